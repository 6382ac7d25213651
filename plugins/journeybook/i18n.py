"""The words of the site, the diff summary and the scaffold, one data file per language.

Every label and sentence lives in ``locales/<language>.yml``; a new language is a new file,
with no Python to change. ``en.yml`` is the reference: every other file has the same keys.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

from babel import Locale, UnknownLocaleError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

REFERENCE = "en"
#: CLDR's plural categories: the keys a plural value may have (``other`` is required).
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


class LanguageError(ValueError):
    """A language that has no locale file, or a locale file that cannot be used."""


def _folder() -> Traversable:
    return importlib.resources.files("journeybook") / "locales"


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages there is a locale file for, e.g. ``("en", "vi")``."""
    return tuple(sorted(entry.name[: -len(".yml")] for entry in _folder().iterdir()
                        if entry.name.endswith(".yml")))


def _code(language: str | None) -> str:
    """``vi``, ``en-GB`` or ``pt_BR`` → the locale file's name, ``vi``, ``en``, ``pt``."""
    return (language or REFERENCE).split("-")[0].split("_")[0].lower()


def is_available(language: str | None) -> bool:
    return _code(language) in languages()


def _plural_rule(language: str) -> Callable[[int], str]:
    """Babel's `PluralRule` or the fallback below: a count → its CLDR category."""
    try:
        rule: Callable[[int], str] = Locale.parse(language).plural_form
    except (UnknownLocaleError, ValueError):
        # A language CLDR does not know: the rule most languages with two forms share.
        return lambda count: "one" if count == 1 else "other"
    return rule


class Labels(Mapping[str, str]):
    """The labels and sentences of one language, by key, plus its plurals."""

    def __init__(self, language: str, texts: Mapping[str, str],
                 plurals: Mapping[str, Mapping[str, str]]) -> None:
        self.language = language
        self._texts = texts
        self._plurals = plurals
        self._rule = _plural_rule(language)

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def plural(self, key: str, count: int, **fields: object) -> str:
        """The form of plural ``key`` that fits ``count``, with ``{count}`` and ``fields``
        filled in: ``plural("n_touchpoints", 1)`` → ``1 touchpoint``."""
        forms = self._plurals[key]
        return forms.get(self._rule(abs(count)), forms["other"]).format(count=count, **fields)


@dataclass(frozen=True)
class ScaffoldWords:
    """What ``journeybook new`` writes in one language."""

    stages: tuple[str, ...]
    placeholders: Mapping[str, str]
    comments: Mapping[str, str]


class ProblemWords:
    """The sentences of ``journeybook check`` and of the build's error report in one
    language: the ``problems`` section of its file, each value plain or a plural."""

    def __init__(self, language: str, section: Mapping[str, Any]) -> None:
        self._texts = {str(k): v for k, v in section.items()}
        self._rule = _plural_rule(language)

    def __contains__(self, key: object) -> bool:
        return key in self._texts

    def plural_form(self, key: str, count: int | None) -> str:
        """The text of ``key``; for a plural, the form that fits ``count``."""
        value = self._texts[key]
        if not isinstance(value, dict):
            return str(value)
        form = self._rule(abs(count)) if count is not None else "other"
        return str(value.get(form, value["other"]))


@dataclass(frozen=True)
class _Locale:
    labels: Labels
    scaffold: ScaffoldWords
    problems: ProblemWords


def _read(code: str) -> dict[str, Any]:
    name = f"locales/{code}.yml"
    try:
        data = YAML(typ="safe").load((_folder() / f"{code}.yml").read_text("utf-8"))
    except YAMLError as exc:
        raise LanguageError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("labels"), dict) \
            or not isinstance(data.get("scaffold"), dict):
        raise LanguageError(f"{name}: needs a `labels` and a `scaffold` mapping, like en.yml")
    return data


def _shape(data: dict[str, Any]) -> dict[str, set[str]]:
    scaffold = data["scaffold"]
    return {section: set(keys) for section, keys in (
        ("labels", data["labels"]),
        ("scaffold.placeholders", scaffold.get("placeholders") or {}),
        ("scaffold.comments", scaffold.get("comments") or {}),
        ("init", data.get("init") or {}),
        ("problems", data.get("problems") or {}))}


@functools.cache
def _locale(code: str) -> _Locale:
    if code not in languages():
        raise LanguageError(f"language `{code}` is not available; use one of: "
                            f"{', '.join(languages())}")
    data = _read(code)
    name = f"locales/{code}.yml"
    if code != REFERENCE:
        # A missing key would fail deep inside a page template; say so here instead.
        wanted, found = _shape(_read(REFERENCE)), _shape(data)
        for section, keys in wanted.items():
            if missing := sorted(keys - found[section]):
                raise LanguageError(f"{name}: {section}: missing {', '.join(missing)}; copy "
                                    "them from en.yml and translate them")
    texts: dict[str, str] = {}
    plurals: dict[str, dict[str, str]] = {}
    for key, value in data["labels"].items():
        if isinstance(value, dict):
            if "other" not in value or not set(value) <= set(PLURAL_FORMS):
                raise LanguageError(f"{name}: labels.{key}: a plural needs `other` and only "
                                    f"the forms {', '.join(PLURAL_FORMS)}")
            plurals[str(key)] = {form: str(text) for form, text in value.items()}
        else:
            texts[str(key)] = str(value)
    scaffold = data["scaffold"]
    return _Locale(
        Labels(code, texts, plurals),
        ScaffoldWords(tuple(str(s) for s in scaffold.get("stages") or ()),
                      {str(k): str(v) for k, v in (scaffold.get("placeholders") or {}).items()},
                      {str(k): str(v) for k, v in (scaffold.get("comments") or {}).items()}),
        ProblemWords(code, data.get("problems") or {}),
    )


def labels(language: str | None = None) -> Labels:
    """Labels for a language such as ``vi`` or ``en-GB`` (English when None); raises
    :class:`LanguageError` for a language without a locale file."""
    return _locale(_code(language)).labels


def scaffold_words(language: str | None = None) -> ScaffoldWords:
    """Default stages, placeholders and comments of a new journey in a language."""
    return _locale(_code(language)).scaffold


def problem_words(language: str | None = None) -> ProblemWords:
    """The sentences of problems and warnings in a language (English when None, or when it
    has no locale file: a problem must always be shown)."""
    return _locale(_code(language) if is_available(language) else REFERENCE).problems


def init_words(language: str | None = None) -> Mapping[str, Any]:
    """What ``journeybook init`` writes in a language: the ``init`` section of its file."""
    code = _code(language)
    _locale(code)  # the same checks (the language exists, no key is missing) as the labels
    return _init_section(code)


@functools.cache
def _init_section(code: str) -> Mapping[str, Any]:
    section = _read(code).get("init")
    if not isinstance(section, dict):
        raise LanguageError(f"locales/{code}.yml: needs an `init` mapping, like en.yml")
    return section
