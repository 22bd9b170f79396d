"""aiogram glue: middlewares, rendering, keyboards' texts, the command registry, permissions."""
