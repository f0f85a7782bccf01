# SPDX-License-Identifier: EUPL-1.2
"""French and German all the way: every page of the browser page sets, in French and in German, per role,
shows no English text.

The demo site (migrated, ``commons demo load``) is rendered through the Flask test client, logged in as each
role of ``tests/browser/pages_*.py``; the forms of ``ERROR_PAGES`` are submitted to show their errors. Each
visible text (text nodes, the text of elements that hold only inline markup, and the ``alt``, ``title``,
``placeholder`` and ``aria-label`` attributes) is compared with what English looks like:

- an English message of the catalogue whose French or German text differs (``Yes``, ``Committed``,
  ``Decision: %(decision)s`` as a pattern);
- a value given to a translated sentence that is itself English (``Mitgliedstaat: Germany``, ``affiché en
  English``): English labels, country names and language names;
- a raw code of an enumerated value whose label differs from it (``pledge``, ``payment_proof``, ``owner``).

Text inside an element whose ``lang`` names another language (the language menu, a description shown in its
own language) is in that language on purpose and is skipped, as is ``<code>``. When this test fails it lists
each English text with the pages that show it: translate the string (``make translations-update``, fill
``msgstr``), or send the value through ``label()`` (``commons/i18n.py``).
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from babel import Locale
from babel.messages.pofile import read_po

from tests.conftest import drop_database, fresh_database_url

ROOT = Path(__file__).resolve().parent.parent
PAGE_SETS = sorted((ROOT / "tests" / "browser").glob("pages_*.py"))
LANGUAGES = ("fr", "de")
DEMO_PASSWORD = "demo passphrase for the language test"
DEMO_EMAILS = {
    "user": "user@demo.commons.example",
    "rep_fr": "rep.fr@demo.commons.example",
    "rep_de": "rep.de@demo.commons.example",
    "reviewer_fr": "reviewer.fr@demo.commons.example",
    "reviewer_it": "reviewer.it@demo.commons.example",
    "secretariat": "secretariat@demo.commons.example",
    "admin": "admin@demo.commons.example",
}
# Words that are the same in English and in the page's language, or names: never reported.
ALLOWED = {
    "API", "CSV", "JSON", "XLSX", "IATI", "EUR", "FTE", "ECB", "SPDX", "README", "CONTRIBUTING", "URL",
    "publiccode.yml", "GitHub", "GitLab", "Gitea", "EUPL-1.2", "OK", "–", "—", "…",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "template", "code", "kbd", "samp"}
INLINE_TAGS = {"a", "abbr", "b", "bdi", "em", "i", "small", "span", "strong", "time", "br", "sup", "sub"}
ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


# --- what English looks like -------------------------------------------------------------------------------


def _pattern(text: str) -> re.Pattern[str] | None:
    """A regular expression for a message with placeholders, the values captured in order (None: no placeholder)."""
    if not PLACEHOLDER.search(text):
        return None
    parts, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(re.escape(text[last : match.start()]))
        parts.append("(.+?)")
        last = match.end()
    parts.append(re.escape(text[last:]))
    return re.compile("".join(parts).replace("%%", "%"), re.DOTALL)


def _literal(text: str) -> str:
    """The longest literal piece of a message: a text that does not contain it cannot match its pattern."""
    return max(re.sub(PLACEHOLDER, "\0", text).split("\0"), key=len).replace("%%", "%")


class English:
    """The English texts of one target language: messages, labels, countries, languages and raw codes."""

    def __init__(self, language: str) -> None:
        self.language = language
        with open(ROOT / "commons" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
            catalogue = read_po(handle)
        self.plain: dict[str, str] = {}  # English text → its translation
        self.patterns: list[tuple[str, re.Pattern[str], str, re.Pattern[str] | None]] = []
        self.translated_patterns: list[tuple[str, re.Pattern[str]]] = []
        for message in catalogue:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings) or message.fuzzy:
                strings = tuple("" for _ in ids)  # not translated yet: shown in English
            for english, translated in zip(ids, strings, strict=False):
                self._add(english, translated)
            for english in ids[len(strings) :]:
                self._add(english, strings[-1])
        # A text that is itself the translation of another message is that language, not English
        # (German "Filter" translates "Filters" though English also has a "Filter").
        translations = {
            string
            for message in catalogue
            if message.id and not message.fuzzy
            for string in (message.string if isinstance(message.string, tuple) else (message.string,))
            if string
        }
        self.plain = {english: text for english, text in self.plain.items() if english not in translations}
        page, en = Locale.parse(language), Locale.parse("en")
        # Countries and languages: the EU's and the few others a page may name.
        for code, name in en.territories.items():
            if len(code) == 2 and code.isalpha() and page.territories.get(code, name) != name:
                self.plain.setdefault(name, page.territories[code])
        for code in ("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
                     "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv"):  # fmt: skip
            name = en.languages.get(code)
            if name and page.languages.get(code) != name:
                self.plain.setdefault(name, page.languages[code])
        self.codes: dict[str, str] = {}  # raw code → its English label

    def _add(self, english: str, translated: str) -> None:
        if english == translated or english in ALLOWED:
            return
        pattern = _pattern(english)
        if pattern is None:
            self.plain[english] = translated
            return
        literal = _literal(english).strip()
        if sum(ch.isalpha() for ch in literal) < 3:
            return  # "%(a)s – %(b)s": nothing English in it
        translated_pattern = _pattern(translated)
        self.patterns.append((literal, pattern, english, translated_pattern))
        if translated_pattern is not None:
            self.translated_patterns.append((_literal(translated).strip(), translated_pattern))

    def add_codes(self, codes: dict[str, str]) -> None:
        self.codes.update({code: english for code, english in codes.items() if code != english})

    def english_in(self, text: str) -> str | None:
        """Why ``text`` is English (a sentence naming the culprit), or None."""
        if text in ALLOWED:
            return None
        if text in self.plain:
            if not self.plain[text]:
                return f"message without a {self.language} translation in messages.po"
            return f"English message (should be “{self.plain[text]}”)"
        if text in self.codes:
            return f"raw code (its label is “{self.codes[text]}”)"
        for literal, pattern, english, translated in self.patterns:
            if literal in text and pattern.fullmatch(text):
                if translated is not None and translated.fullmatch(text):
                    continue
                return f"English message “{english}”" + ("" if translated else f" (no {self.language} translation yet)")
        return None

    def _english(self, piece: str) -> bool:
        return bool(piece) and piece not in ALLOWED and (piece in self.plain or piece in self.codes)

    def english_values(self, text: str) -> list[str]:
        """English words inside a translated text: ``Mitgliedstaat: Germany`` → ``Germany``.

        Three ways in: the values captured by a translated sentence with placeholders (``affiché en
        %(language)s``); the pieces between separators (``:``, ``,``, brackets, dashes); the text after a
        leading code (``G1 Open licence``).
        """
        found = []
        for literal, pattern in self.translated_patterns:
            if literal in text:
                match = pattern.fullmatch(text)
                if match:
                    found += [value.strip(" .") for value in match.groups() if self._english(value.strip(" ."))]
        pieces = re.split(r"\s*[:;,()·|]\s*|\s+[–—-]\s+", text)
        coded = re.match(r"^[A-Z]{1,4}[0-9][\w./-]*\s+(.+)$", text)
        if coded:
            pieces.append(coded.group(1))
        for piece in pieces:
            piece = piece.strip(" .")
            if piece != text and self._english(piece):
                found.append(piece)
        return sorted(set(found))


def _label_codes() -> dict[str, str]:
    """Every code of every enumerated value with its English label (``pledge`` → ``Pledge``)."""
    from flask_babel import force_locale

    from commons.i18n import LABEL_TABLES, label_table

    codes: dict[str, str] = {}
    with force_locale("en"):
        for kind in LABEL_TABLES:
            table = label_table(kind)
            if isinstance(table, dict):
                for code, text in table.items():
                    if code:
                        codes[code] = str(text)
    return codes


# --- reading a page ----------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split())


def visible_texts(html: str) -> Iterator[str]:
    """The texts a reader sees or hears on the page, in the page's own language."""
    tree = lxml.html.fromstring(html)
    page_language = tree.get("lang", "en")

    def walk(element: Any) -> Iterator[str]:
        if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS or element.get("hidden") is not None:
            return
        if element.get("lang") and element.get("lang") != page_language and element is not tree:
            return  # marked as another language (WCAG 3.1.2)
        for attribute in ATTRIBUTES:
            if element.get(attribute):
                yield _norm(element.get(attribute))
        if element.tag == "input" and element.get("type") in ("submit", "button") and element.get("value"):
            yield _norm(element.get("value"))
        if element.text and element.text.strip():
            yield _norm(element.text)
        children = list(element)
        if children and all(isinstance(c.tag, str) and c.tag in INLINE_TAGS for c in children):
            whole = _norm(element.text_content())
            if whole:
                yield whole
        for child in children:
            yield from walk(child)
            if child.tail and child.tail.strip():
                yield _norm(child.tail)

    yield from walk(tree)


# --- the demo site -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from flask_migrate import upgrade

    from commons import create_app
    from commons.demo import load_demo
    from commons.extensions import db

    url = fresh_database_url(tmp_path_factory.mktemp("languages"), "languages")
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("COMMONS_DEMO_PASSWORD", DEMO_PASSWORD)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, COMMONS_LOGIN_IP_MAX_FAILURES=100000)
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
    monkeypatch.undo()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _client(app: Any, role: str, language: str) -> Any:
    client = app.test_client()
    if role != "anonymous":
        token = CSRF_RE.search(client.get("/login").get_data(as_text=True))
        assert token, "no CSRF token on /login"
        answer = client.post(
            "/login", data={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
        )
        assert answer.status_code == 302, f"{role} could not log in"
    with client.session_transaction() as session:
        session["lang"] = language
    return client


def _submit(client: Any, path: str, values: dict[str, str]) -> Any:
    """Submit the form of ``path`` that holds ``values``' fields, its other fields as the page filled them."""
    tree = lxml.html.fromstring(client.get(path).get_data(as_text=True))
    for form in tree.forms:
        names = {field.name for field in form.inputs if field.name}
        if set(values) <= names:
            break
    else:
        raise AssertionError(f"{path}: no form with the fields {sorted(values)}")
    data: dict[str, Any] = {}
    for field in form.inputs:
        if not field.name or field.get("type") in ("submit", "button", "reset", "file"):
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.checked:
                data.setdefault(field.name, field.get("value", "y"))
            continue
        data[field.name] = field.value or ""
    data.update(values)
    action = form.get("action") or path
    method = (form.get("method") or "get").lower()
    if method == "get":
        return client.get(action, query_string=data)
    return client.post(action, data=data)


def _pages() -> list[tuple[str, str, dict[str, str] | None]]:
    pages: list[tuple[str, str, dict[str, str] | None]] = []
    for file in PAGE_SETS:
        module = importlib.import_module(f"tests.browser.{file.stem}")
        pages += [(role, path, None) for role, path in getattr(module, "PAGES", [])]
        pages += [(role, path, values) for role, path, values in getattr(module, "ERROR_PAGES", [])]
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_written_in_the_chosen_language(demo_app, language):
    english = English(language)
    with demo_app.app_context():
        english.add_codes(_label_codes())
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    checked: dict[str, list[tuple[str, str]]] = {}
    clients: dict[str, Any] = {}
    pages = _pages()
    for role, path, values in pages:
        if role not in clients:
            clients[role] = _client(demo_app, role, language)
        client = clients[role]
        answer = client.get(path) if values is None else _submit(client, path, values)
        where = f"{role} {path}" + (" (errors)" if values else "")
        assert answer.status_code < 500, f"{where}: {answer.status_code}"
        html = answer.get_data(as_text=True)
        assert f'<html lang="{language}"' in html, f"{where}: the page is not marked as {language}"
        for text in set(visible_texts(html)):
            if text not in checked:
                reasons = []
                reason = english.english_in(text)
                if reason:
                    reasons.append((text, reason))
                for value in english.english_values(text):
                    reasons.append((text, f"English value “{value}” in the sentence"))
                checked[text] = reasons
            for text_, reason in checked[text]:
                found[(text_, reason)].add(where)
    report = [
        f"  “{text}”: {reason}\n      on {', '.join(sorted(where)[:4])}{' …' if len(where) > 4 else ''}"
        for (text, reason), where in sorted(found.items())
    ]
    assert not report, f"{len(report)} English texts on the {language} pages ({len(pages)} pages):\n" + "\n".join(
        report
    )


# --- the checker itself must be able to fail ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "culprit"),
    [
        ('<html lang="de"><body><p>Mitgliedstaat: <strong>Germany</strong></p></body></html>', "Germany"),
        ('<html lang="fr"><body><p>Non disponible dans votre langue ; affiché en English.</p></body>', "English"),
        ('<html lang="de"><body><p>In Ihrer Sprache nicht verfügbar; angezeigt auf English.</p></body>', "English"),
        ('<html lang="fr"><body><table><tr><td>pledge</td></tr></table></body></html>', "pledge"),
        ('<html lang="fr"><body><ul><li><a href="/o">DINUM</a> (owner)</li></ul></body></html>', "owner"),
        ('<html lang="de"><body><h2>G1 Open licence</h2></body></html>', "Open licence"),
        ('<html lang="fr"><body><button>Yes</button></body></html>', "Yes"),
    ],
)
def test_checker_finds_english(demo_app, html, culprit):
    language = html.split('lang="')[1][:2]
    english = English(language)
    with demo_app.app_context():
        english.add_codes(_label_codes())
    hits = []
    for text in visible_texts(html):
        if english.english_in(text):
            hits.append(text)
        hits += english.english_values(text)
    assert any(culprit in hit for hit in hits), (culprit, hits)


def test_checker_skips_text_marked_in_another_language(demo_app):
    english = English("fr")
    html = '<html lang="fr"><body><select><option lang="en">English</option></select><p>Oui</p></body></html>'
    assert [t for t in visible_texts(html) if english.english_in(t)] == []


def test_checker_names_a_message_that_has_no_translation_yet(demo_app):
    # Another branch adds a string and its msgstr is still empty: the page shows English, the report says why.
    english = English("de")
    english._add("Brand-new sentence from another branch.", "")
    english._add("Seen %(n)s times on another branch.", "")
    assert "without a de translation" in (english.english_in("Brand-new sentence from another branch.") or "")
    assert "no de translation yet" in (english.english_in("Seen 3 times on another branch.") or "")
