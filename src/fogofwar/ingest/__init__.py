"""Input readers: every input form of the contract, turned into ``Article`` records.

``read_inputs(paths)`` yields, in order, one ``Article`` per article read and one
``ErrorRecord(file, line, reason)`` per input that could not be read. A bad file,
line or record never stops the others, and no input error raises an exception.
The only exception raised is a ``ValueError`` for an unknown ``input_format``,
and that is raised when ``read_inputs`` is called, before anything is read.

Forms (chosen by extension, case-insensitive, or forced with ``input_format``):

``.txt``
    One article of plain text. ``id`` is the file stem. Metadata (``published``,
    ``outlet``, ``title``, ``url``, ``language``) comes from ``defaults``, or from a
    sidecar next to the file: ``X.meta.json``, else ``X.json`` when that is a JSON
    object without ``"text"``. Sidecar keys override ``defaults`` and may also give
    ``id``. In a folder, sidecars are not read again as articles.
``.jsonl``
    One JSON object per line, streamed line by line (never read whole). ``line`` is
    1-based; blank lines are skipped. A line over ``MAX_BYTES`` is an error for that
    line only.
``.json``
    An object (one article; a gold file with extra keys is fine) or a list of
    objects. For a list, each record's ``line`` is the line its item starts on,
    and error reasons also give the item number (1-based).
``.html`` / ``.htm``
    A saved web page. The main text is extracted with trafilatura (boilerplate
    removed); ``title``, ``date`` (-> ``published``), ``sitename`` (-> ``outlet``),
    ``url`` and the ``<html lang>`` attribute (-> ``language``) come from the page
    where present. ``id`` is the file stem. The page's own encoding is honoured.
a folder
    Every supported file below it, recursively, in sorted order; unsupported
    extensions and hidden files/folders (``.name``) are skipped silently. With a
    forced ``input_format`` every non-hidden file below the folder is read in that
    format.
``-``
    Standard input, plain text with id ``"stdin"`` (or in the forced format). Errors
    name the file ``"<stdin>"``.

Record fields: ``id`` and ``text`` are required by the contract; a record without a
usable ``id`` gets one made from the file stem and its line (``news-3``) rather than
being dropped. ``title``, ``outlet``, ``url``, ``published``, ``language`` are
optional, and ``defaults`` fills in the ones a record or page does not give (for
every form, not just ``.txt``). Unknown keys are ignored.

Normalisation: in the text, a leading BOM is removed and ``\\r\\n`` / lone ``\\r``
become ``\\n``; nothing else is touched, so offsets stay valid. Text that is empty
or whitespace only is an error. ``published`` becomes an ISO date ``YYYY-MM-DD``
(datetimes keep their date as written, without converting time zones); a value
that does not parse as a date becomes ``None`` and the article is kept.

Duplicate ids within one ``read_inputs`` call are made unique by suffixing
``-2``, ``-3``... in reading order (the first one keeps its id).

Errors (``ErrorRecord.line`` is ``None`` for whole-file errors): missing or
unreadable path, unsupported extension (given explicitly), folder with no
supported files, file over ``MAX_BYTES`` (txt/html/json/stdin; for jsonl per line),
binary content (NUL bytes), UTF-16 content, invalid UTF-8 (with the byte offset),
empty or whitespace-only text, malformed JSON (``"not valid JSON: <msg>"``), a JSON
value that is not an object, a record without ``"text"`` or with non-string text,
an HTML page with no extractable main text.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import io
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO, TextIO

from fogofwar.models import Article, ErrorRecord

__all__ = [
    "MAX_BYTES", "SUPPORTED_EXTENSIONS", "INPUT_FORMATS", "METADATA_KEYS",
    "read_inputs", "normalise_text", "normalise_published",
]

MAX_BYTES = 5 * 1024 * 1024
"""Largest file (or jsonl line) read, in bytes."""

SUPPORTED_EXTENSIONS: dict[str, str] = {
    ".txt": "txt", ".jsonl": "jsonl", ".json": "json", ".html": "html", ".htm": "html",
}
"""File extension (lower case, with the dot) -> input format."""

INPUT_FORMATS = ("txt", "jsonl", "json", "html")
METADATA_KEYS = ("title", "outlet", "url", "published", "language")

STDIN_NAME = "<stdin>"
_SIDECAR_SUFFIXES = (".meta.json", ".json")

Item = Article | ErrorRecord


# --------------------------------------------------------------------------- public API


def read_inputs(
    paths: Sequence[str],
    input_format: str | None = None,
    defaults: Mapping[str, str | None] | None = None,
    stdin: TextIO | BinaryIO | None = None,
) -> Iterator[Item]:
    """Read every path (file, folder or ``-``) and yield Articles and ErrorRecords in order.

    ``input_format`` (``txt``, ``jsonl``, ``json``, ``html``) forces one format for all
    paths; ``defaults`` gives metadata (``published``, ``outlet``, ``title``, ``url``,
    ``language``) for records that lack it; ``stdin`` replaces ``sys.stdin`` for ``-``.
    See the module docstring for the forms, normalisation and errors.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]  # type: ignore[list-item]
    if input_format is not None:
        input_format = input_format.strip().lower().lstrip(".")
        if input_format == "htm":
            input_format = "html"
        if input_format not in INPUT_FORMATS:
            raise ValueError(
                f"unknown input format {input_format!r}; expected one of {', '.join(INPUT_FORMATS)}"
            )
    reader = _Reader(input_format, defaults or {}, stdin)
    return reader.run([os.fspath(p) for p in paths])


def normalise_text(text: str) -> str:
    """Remove a leading BOM and turn ``\\r\\n`` and lone ``\\r`` into ``\\n``; nothing else."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_DATE_FORMATS = (
    "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d",
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y",
    "%b. %d, %Y", "%d %B, %Y", "%A, %B %d, %Y", "%A %d %B %Y", "%a, %d %b %Y",
)
_ISO_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]|$)")


def normalise_published(value: Any) -> str | None:
    """An ISO date ``YYYY-MM-DD`` from a date, datetime or common date string; else None."""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    m = _ISO_PREFIX.match(s)
    if m:  # ISO date or datetime: keep the date as written
        try:
            return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        return _dt.datetime.fromisoformat(s).date().isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return _dt.datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    try:  # RFC 2822: "Sat, 10 Sep 2022 12:00:00 GMT"
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat() if parsed else None


# --------------------------------------------------------------------------- the reader


def _meta_value(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _format_size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB ({n} bytes)"


def _too_large(n: int) -> str:
    return f"file is {_format_size(n)}, over the {MAX_BYTES // (1024 * 1024)} MB limit"


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__


def _stem(path: str) -> str:
    name = os.path.basename(path.rstrip("/\\")) or path
    lower = name.lower()
    if lower.endswith(".meta.json"):
        return name[: -len(".meta.json")]
    stem, _ = os.path.splitext(name)
    return stem or name


def _check_bytes(data: bytes) -> str | None:
    """Reason why ``data`` is not UTF-8 text, or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "looks UTF-16 encoded; expected UTF-8"
    nul = data.find(b"\x00")
    if nul >= 0:
        return f"binary file (NUL byte at byte offset {nul}); expected UTF-8 text"
    return None


def _as_text(data: bytes | str) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason), for raw bytes or already-decoded text."""
    if isinstance(data, bytes):
        return _decode(data)
    if "\x00" in data:
        return None, f"binary input (NUL character at offset {data.index(chr(0))})"
    return data, None


def _decode(data: bytes, offset_base: int = 0) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason)."""
    reason = _check_bytes(data)
    if reason:
        return None, reason
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset {offset_base + exc.start})"


class _Reader:
    def __init__(self, input_format: str | None, defaults: Mapping[str, str | None], stdin: Any) -> None:
        self.forced = input_format
        self.defaults = {k: _meta_value(defaults.get(k)) for k in METADATA_KEYS}
        self.stdin = stdin
        self.seen_ids: set[str] = set()

    # -- driver

    def run(self, paths: list[str]) -> Iterator[Item]:
        for path in paths:
            try:
                yield from self._read_path(path)
            except Exception as exc:  # last line of defence: never stop the other inputs
                yield ErrorRecord(path if path != "-" else STDIN_NAME, None,
                                  f"could not read: {type(exc).__name__}: {exc}")

    def _read_path(self, path: str) -> Iterator[Item]:
        if path == "-":
            yield from self._read_stdin()
            return
        if os.path.isdir(path):
            yield from self._read_folder(path)
            return
        if not os.path.exists(path):
            yield ErrorRecord(path, None, "no such file or directory")
            return
        fmt = self.forced or SUPPORTED_EXTENSIONS.get(os.path.splitext(path)[1].lower())
        if fmt is None:
            ext = os.path.splitext(path)[1] or "(none)"
            yield ErrorRecord(path, None, f"unsupported file extension {ext}; expected one of "
                              f"{', '.join(SUPPORTED_EXTENSIONS)} (or force a format with --input-format)")
            return
        yield from self._read_file(path, fmt)

    def _read_file(self, path: str, fmt: str) -> Iterator[Item]:
        if fmt == "jsonl":
            try:
                fh = open(path, "rb")
            except OSError as exc:
                yield ErrorRecord(path, None, _os_reason(exc))
                return
            with fh:
                yield from self._read_jsonl(path, fh)
            return
        data, reason = _read_limited_file(path)
        if reason is not None:
            yield ErrorRecord(path, None, reason)
            return
        assert data is not None
        if fmt == "txt":
            yield from self._read_txt(path, data, _stem(path), self._sidecar(path))
        elif fmt == "json":
            yield from self._read_json(path, data)
        else:
            yield from self._read_html(path, data)

    # -- folders

    def _read_folder(self, folder: str) -> Iterator[Item]:
        files: list[tuple[tuple[str, ...], str, str]] = []
        walk_errors: list[OSError] = []
        for root, dirs, names in os.walk(folder, onerror=walk_errors.append):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            rel = os.path.relpath(root, folder)
            parts = () if rel == "." else tuple(rel.split(os.sep))
            for name in names:
                if name.startswith("."):
                    continue
                fmt = self.forced or SUPPORTED_EXTENSIONS.get(os.path.splitext(name)[1].lower())
                if fmt is None:
                    continue
                full = os.path.join(root, name)
                if not self.forced and fmt == "json" and self._is_sidecar(full):
                    continue
                files.append((parts + (name,), full, fmt))
        for exc in walk_errors:
            yield ErrorRecord(exc.filename or folder, None, _os_reason(exc))
        if not files:
            if walk_errors:
                return
            yield ErrorRecord(folder, None, "folder has no supported files ("
                              f"{', '.join(SUPPORTED_EXTENSIONS)})")
            return
        files.sort()
        for _, full, fmt in files:
            try:
                yield from self._read_file(full, fmt)
            except Exception as exc:  # pragma: no cover - defensive
                yield ErrorRecord(full, None, f"could not read: {type(exc).__name__}: {exc}")

    def _twin_txt(self, json_path: str) -> str | None:
        lower = json_path.lower()
        for suffix in _SIDECAR_SUFFIXES:
            if lower.endswith(suffix):
                base = json_path[: -len(suffix)]
                for ext in (".txt", ".TXT"):
                    if os.path.isfile(base + ext):
                        return base + ext
                return None
        return None

    def _is_sidecar(self, json_path: str) -> bool:
        """A ``.json`` in a folder that is the metadata of a sibling ``.txt``."""
        if self._twin_txt(json_path) is None:
            return False
        if json_path.lower().endswith(".meta.json"):
            return True
        return self._load_sidecar(json_path) is not None

    # -- sidecars

    def _load_sidecar(self, path: str) -> dict[str, Any] | None:
        """The metadata object in ``path``, or None if it is not a sidecar (list, has text...)."""
        try:
            if os.path.getsize(path) > MAX_BYTES:
                return None
            with open(path, "rb") as fh:
                data = fh.read()
            value = json.loads(normalise_text(data.decode("utf-8")))
        except (OSError, ValueError):
            return None
        if isinstance(value, dict) and "text" not in value:
            return value
        return None

    def _sidecar(self, txt_path: str) -> tuple[str, dict[str, Any] | None, str | None] | None:
        """(sidecar path, metadata, error reason) for a .txt file, or None if it has none."""
        base, _ = os.path.splitext(txt_path)
        meta = base + ".meta.json"
        if os.path.isfile(meta) and not _same_file(meta, txt_path):
            data, reason = _read_limited_file(meta)
            if reason is None:
                assert data is not None
                text, reason = _decode(data)
                if reason is None:
                    assert text is not None
                    try:
                        value = json.loads(normalise_text(text))
                    except ValueError as exc:
                        reason = f"not valid JSON: {exc}"
                    else:
                        if isinstance(value, dict):
                            return meta, value, None
                        reason = f"sidecar metadata must be a JSON object, got {_json_type(value)}"
            return meta, None, reason
        plain = base + ".json"
        if os.path.isfile(plain) and not _same_file(plain, txt_path):  # a forced-txt .json is not its own sidecar
            value = self._load_sidecar(plain)
            if value is not None:
                return plain, value, None
        return None

    # -- forms

    def _read_txt(self, name: str, data: bytes | str, stem: str,
                  sidecar: tuple[str, dict[str, Any] | None, str | None] | None = None) -> Iterator[Item]:
        meta: Mapping[str, Any] = {}
        if sidecar is not None:
            side_path, side_meta, side_reason = sidecar
            if side_reason is not None:
                yield ErrorRecord(side_path, None, f"sidecar metadata ignored: {side_reason}")
            elif side_meta is not None:
                meta = side_meta
        text, reason = _as_text(data)
        if reason is not None:
            yield ErrorRecord(name, None, reason)
            return
        assert text is not None
        yield from self._article(name, None, meta, text, stem, None)

    def _read_jsonl(self, name: str, fh: BinaryIO) -> Iterator[Item]:
        stem = "stdin" if name == STDIN_NAME else _stem(name)
        lineno = 0
        offset = 0
        records = 0
        while True:
            raw = fh.readline(MAX_BYTES + 1)
            if not raw:
                break
            lineno += 1
            start = offset
            offset += len(raw)
            if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
                size = len(raw)
                while True:  # skip the rest of the over-long line without keeping it
                    chunk = fh.readline(1024 * 1024)
                    if not chunk:
                        break
                    size += len(chunk)
                    offset += len(chunk)
                    if chunk.endswith(b"\n"):
                        break
                records += 1
                yield ErrorRecord(name, lineno, f"line is over the {MAX_BYTES // (1024 * 1024)} MB limit "
                                  f"({_format_size(size)})")
                continue
            if lineno == 1:
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                    start += 3
                whole = _check_bytes(raw)
                if whole is not None:  # a binary or UTF-16 file: one error, not one per line
                    yield ErrorRecord(name, None, whole)
                    return
            if not raw.strip():
                continue
            records += 1
            line, reason = _decode(raw, start)
            if reason is not None:
                nul = raw.find(b"\x00")
                if nul >= 0:
                    reason = f"binary data (NUL byte at byte offset {start + nul})"
                yield ErrorRecord(name, lineno, reason)
                continue
            assert line is not None
            try:
                value = json.loads(line, strict=False)
            except ValueError as exc:
                yield ErrorRecord(name, lineno, f"not valid JSON: {exc}")
                continue
            yield from self._record(name, lineno, value, f"{stem}-{lineno}", "")
        if records == 0:
            yield ErrorRecord(name, None, "empty file (no JSON lines)")

    def _read_json(self, name: str, data: bytes | str) -> Iterator[Item]:
        stem = "stdin" if name == STDIN_NAME else _stem(name)
        text, reason = _as_text(data)
        if reason is not None:
            yield ErrorRecord(name, None, reason)
            return
        assert text is not None
        if text.startswith("\ufeff"):
            text = text[1:]
        if not text.strip():
            yield ErrorRecord(name, None, "empty file")
            return
        try:
            value = json.loads(text, strict=False)
        except ValueError as exc:
            yield ErrorRecord(name, getattr(exc, "lineno", None), f"not valid JSON: {exc}")
            return
        if isinstance(value, dict):
            yield from self._record(name, None, value, stem, "")
            return
        if not isinstance(value, list):
            yield ErrorRecord(name, None, f"expected a JSON object or a list of objects, got {_json_type(value)}")
            return
        if not value:
            yield ErrorRecord(name, None, "empty list: no articles")
            return
        lines = _list_item_lines(text, len(value))
        for i, item in enumerate(value):
            line = lines[i] if lines else i + 1
            yield from self._record(name, line, item, f"{stem}-{i + 1}", f"item {i + 1}")

    def _read_html(self, name: str, data: bytes) -> Iterator[Item]:
        reason = _check_bytes(data)
        if reason is not None and not reason.startswith("looks UTF-16"):
            yield ErrorRecord(name, None, reason)
            return
        if not data.strip():
            yield ErrorRecord(name, None, "empty file")
            return
        import trafilatura  # slow import: only when a page is read

        try:
            doc = trafilatura.bare_extraction(
                data, with_metadata=True, include_comments=False, include_tables=False,
            )
        except Exception as exc:
            yield ErrorRecord(name, None, f"could not parse HTML: {type(exc).__name__}: {exc}")
            return
        text = getattr(doc, "text", None) if doc is not None else None
        if not isinstance(text, str) or not text.strip():
            yield ErrorRecord(name, None, "no main text found in the HTML page")
            return
        meta: dict[str, Any] = {
            "title": getattr(doc, "title", None),
            "outlet": getattr(doc, "sitename", None),
            "url": getattr(doc, "url", None),
            "published": getattr(doc, "date", None),
            "language": getattr(doc, "language", None) or _html_lang(data),
        }
        yield from self._article(name, None, meta, text, _stem(name), "the page")

    def _read_stdin(self) -> Iterator[Item]:
        stream = self.stdin if self.stdin is not None else sys.stdin
        fmt = self.forced or "txt"
        if fmt == "jsonl":
            yield from self._read_jsonl(STDIN_NAME, _binary_stream(stream))
            return
        if _is_binary(stream):
            data: bytes | str = stream.read(MAX_BYTES + 1)
        elif getattr(stream, "buffer", None) is not None:  # sys.stdin: read bytes, check UTF-8
            data = stream.buffer.read(MAX_BYTES + 1)
        else:  # a StringIO
            data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            yield ErrorRecord(STDIN_NAME, None, f"standard input is over the {MAX_BYTES // (1024 * 1024)} MB limit")
            return
        if fmt == "txt":
            yield from self._read_txt(STDIN_NAME, data, "stdin")
        elif fmt == "json":
            yield from self._read_json(STDIN_NAME, data)
        else:
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogatepass")
            yield from self._read_html(STDIN_NAME, data)

    # -- records -> articles

    def _record(self, name: str, line: int | None, value: Any, fallback_id: str, where: str) -> Iterator[Item]:
        """One JSON value -> an Article, or an ErrorRecord (``where``, e.g. "item 3", prefixes the reason)."""
        prefix = f"{where}: " if where else ""
        if not isinstance(value, dict):
            yield ErrorRecord(name, line, f"{prefix}expected a JSON object, got {_json_type(value)}")
            return
        if "text" not in value:
            yield ErrorRecord(name, line, f"{where or 'record'} has no \"text\"")
            return
        text = value["text"]
        if not isinstance(text, str):
            yield ErrorRecord(name, line, f"{prefix}\"text\" must be a string, got {_json_type(text)}")
            return
        yield from self._article(name, line, value, text, fallback_id, where)

    def _article(self, name: str, line: int | None, meta: Mapping[str, Any], text: str,
                 fallback_id: str, where: str | None) -> Iterator[Item]:
        """``where`` names the record in error reasons; None for a whole plain-text file."""
        text = normalise_text(text)
        if not text.strip():
            what = "empty" if not text else "whitespace only"
            if where is None:
                reason = "empty file" if not text else "file is whitespace only"
            else:
                reason = f"{where}: text is {what}" if where else f"text is {what}"
            yield ErrorRecord(name, line, reason)
            return
        raw_id = meta.get("id")
        if isinstance(raw_id, bool):
            raw_id = None
        if isinstance(raw_id, (int, float)):
            raw_id = str(raw_id)
        art_id = _meta_value(raw_id) or fallback_id
        fields = {k: _meta_value(meta.get(k)) or self.defaults[k] for k in METADATA_KEYS}
        fields["published"] = normalise_published(fields["published"])
        yield Article(id=self._unique(art_id), text=text, file=name, line=line, **fields)

    def _unique(self, art_id: str) -> str:
        if art_id in self.seen_ids:
            n = 2
            while f"{art_id}-{n}" in self.seen_ids:
                n += 1
            art_id = f"{art_id}-{n}"
        self.seen_ids.add(art_id)
        return art_id


# --------------------------------------------------------------------------- helpers


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return f"cannot read: {exc.strerror or exc}"


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _read_limited_file(path: str) -> tuple[bytes | None, str | None]:
    """The bytes of a whole file, or a reason (missing, unreadable, over MAX_BYTES)."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            return None, _too_large(size)
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, _os_reason(exc)
    if len(data) > MAX_BYTES:  # grew, or a special file with no size
        return None, _too_large(len(data))
    return data, None


def _is_binary(stream: Any) -> bool:
    if isinstance(stream, (io.RawIOBase, io.BufferedIOBase)):
        return True
    if isinstance(stream, io.TextIOBase):
        return False
    mode = getattr(stream, "mode", "")
    return isinstance(mode, str) and "b" in mode


def _binary_stream(stream: Any) -> BinaryIO:
    if _is_binary(stream):
        return stream
    buf = getattr(stream, "buffer", None)
    if buf is not None:
        return buf
    return _TextAsBytes(stream)  # e.g. a StringIO


class _TextAsBytes:
    """``readline(limit)`` in bytes over a text stream (a StringIO given as stdin)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.pending = b""

    def readline(self, limit: int = -1) -> bytes:
        while b"\n" not in self.pending and (limit < 0 or len(self.pending) < limit):
            chunk = self.stream.readline(65536)
            if not chunk:
                break
            self.pending += chunk.encode("utf-8", "surrogatepass")
        if b"\n" in self.pending:
            end = self.pending.index(b"\n") + 1
        else:
            end = len(self.pending)
        if limit >= 0:
            end = min(end, limit)
        out, self.pending = self.pending[:end], self.pending[end:]
        return out


_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)", re.I)


def _html_lang(data: bytes) -> str | None:
    m = _LANG.search(data[:10000])
    return m.group(1).decode("ascii") if m else None


def _list_item_lines(text: str, count: int) -> list[int] | None:
    """1-based line where each item of a top-level JSON list starts (None if it cannot tell)."""
    decoder = json.JSONDecoder(strict=False)
    ws = re.compile(r"[ \t\n\r]*")
    lines: list[int] = []
    try:
        i = ws.match(text, 0).end()  # type: ignore[union-attr]
        if text[i] != "[":
            return None
        i += 1
        line, counted = 1, 0
        while len(lines) < count:
            i = ws.match(text, i).end()  # type: ignore[union-attr]
            line += text.count("\n", counted, i)
            counted = i
            lines.append(line)
            _, i = decoder.raw_decode(text, i)
            i = ws.match(text, i).end()  # type: ignore[union-attr]
            if i < len(text) and text[i] == ",":
                i += 1
    except (ValueError, IndexError):
        return None
    return lines
