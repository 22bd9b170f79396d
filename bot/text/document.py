"""A parsed article: sentences with their word tokens, built once and shared.

Why: summarizer, theme detector, keyword extractor and entity normalizer all need the same
sentences and lemmas; tokenizing and lemmatizing once per article keeps ``analyze`` fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from razdel.substring import Substring

from .lang import Word, paragraphs, sentences, tokens, words


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text, position, paragraph index, word tokens and content lemmas.

    ``content`` is computed once here because the summarizer, themes and keywords all read it;
    ``tokens`` (razdel's, punctuation included) because the entity tagger reads them.
    """

    index: int
    text: str
    paragraph: int
    words: tuple[Word, ...]
    content: tuple[str, ...]
    tokens: tuple[Substring, ...]

    @classmethod
    def parse(cls, index: int, text: str, paragraph: int) -> Sentence:
        parts = tuple(tokens(text))
        found = tuple(words(text, tokens=parts))
        return cls(index, text, paragraph, found, tuple(w.lemma for w in found if w.is_content), parts)


@dataclass(frozen=True)
class Document:
    """Title plus sentences of an article, tokenized and lemmatized."""

    title: str
    title_words: tuple[Word, ...]
    sentences: tuple[Sentence, ...]
    text: str = field(repr=False, default="")
    title_tokens: tuple[Substring, ...] = field(repr=False, default=())

    @classmethod
    def build(cls, title: str, text: str) -> Document:
        title = " ".join((title or "").split())
        body = (text or "").strip()
        # Pages often repeat the title as the first line of the body: do not count it twice.
        paras = paragraphs(body)
        if paras and title and paras[0].strip().rstrip(".") == title.rstrip("."):
            paras = paras[1:]
        sents: list[Sentence] = []
        for p_index, para in enumerate(paras):
            for s in sentences(para):
                sents.append(Sentence.parse(len(sents), s, p_index))
        title_tokens = tuple(tokens(title))
        return cls(title, tuple(words(title, tokens=title_tokens)), tuple(sents), "\n\n".join(paras), title_tokens)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]

    @property
    def n_words(self) -> int:
        return sum(len(s.words) for s in self.sentences)
