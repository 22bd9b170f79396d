"""Stop words for Russian (as lemmas) and English.

Why a hand-kept list: razdel/pymorphy3 ship none, NLTK's list needs a corpus download, and the
summarizer, keyword extractor and sumy baseline must all agree on the same offline set.
Russian entries are pymorphy3 normal forms (lemmas), so one entry covers every word form.
"""

from __future__ import annotations

_RU = """
а без более больше будто бы быть в вам вас весь во вот впрочем все всегда всего всех всё вы где
да даже для до другой его ее её ей ему если есть еще ещё же за зачем здесь и из или им ими их к
как какой когда кроме кто куда ли либо лишь между меня мне много может можно мой мы на над надо
наш не него нее неё нет ни никогда ничто но ну о об один однако он она они оно от очень по под
после потом потому почти при про раз разве с сам свой себя сейчас со совсем так также такой там
тем теперь то тогда того тоже только том тот тут ты у уж уже хорошо хоть чем через что чтобы
чтоб чуть эта эти это этот я который являться стать мочь также ли бы вообще какой-то кто-то
что-то где-то когда-то иной другой каждый любой некоторый несколько сколько столько весьма
именно лишь пока ведь вместе вместо около вокруг против ради среди сквозь согласно благодаря
вследствие вслед затем поэтому поскольку хотя будто словно якобы причём причем притом зато
иначе либо нибудь нечто никто ничего кое кое-что всякий сей оный данный следующий
свыше ниже выше внутри вне кроме помимо вроде насчёт насчет путём путем тот-то
ещё уже вновь снова опять лишь просто еще например тоже итак впрочем
""".split()

_EN = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves also may might must shall said says
""".split()

RUSSIAN: frozenset[str] = frozenset(w.replace("ё", "е") for w in _RU)
ENGLISH: frozenset[str] = frozenset(_EN)
ALL: frozenset[str] = RUSSIAN | ENGLISH


def is_stop(lemma: str) -> bool:
    """True for function words that carry no topic (lemma or lower-cased English word)."""
    return lemma in ALL
