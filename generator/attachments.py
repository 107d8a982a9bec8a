"""Which attachment files a browser would execute in the site's origin (never published, an error in validate).

One predicate, shared by validation (`validate`) and the build (`hooks`): `executable_attachment(name, data)`.
Files by extension are those a web server sends as HTML, XML (any `*/xml` or `*/*+xml` type: a browser renders
it as a document and runs its XHTML scripts), XSLT or JavaScript, by the names below or by the MIME table servers
use; every extension of a name counts (`a.xhtml.zz` is HTML to Apache, `a.html.gz` is HTML sent gzipped); an SVG is executable when, parsed as the XML a browser
parses it as, it has a script, an event-handler attribute, a foreignObject, an XHTML element, a script-capable
URL anywhere, an internal DTD subset (entities) or a style sheet instruction. An SVG that does not parse is
treated as executable: browsers run what comes before the first error.
"""

from __future__ import annotations

import gzip
import io
import mimetypes
import re
import zlib
from xml.parsers import expat

# always executable: served as text/html, application/xhtml+xml, */xml, */*+xml or JavaScript by common servers
# (nginx, Apache, Python), whatever this machine's MIME table holds
EXECUTABLE_SUFFIXES = frozenset({
    ".html", ".htm", ".shtml", ".xhtml", ".xht", ".xhtm", ".xml", ".xsl", ".xslt", ".js", ".mjs", ".cjs", ".es",
    ".rdf", ".atom", ".rss", ".mml", ".kml", ".xul", ".xspf", ".xsd", ".wsdl", ".gml", ".smil", ".xlf",
})
# a MIME type a browser renders as a page or runs as a script (SVG is judged by its content instead)
_RUNNABLE_TYPE = re.compile(r"text/html|[a-z]+/(?:[a-z0-9.+-]*\+)?xml|[a-z]+/(?:x-)?(?:java|ecma)script")
SVG_SUFFIXES = frozenset({".svg", ".svgz"})

_SCRIPT_ELEMENTS = frozenset({"script", "handler", "listener", "foreignobject"})
_XHTML_NS = "http://www.w3.org/1999/xhtml"
_ANIMATED = frozenset({"set", "animate", "animatemotion", "animatetransform", "discard"})
# what a URL parser drops before reading the scheme: ASCII whitespace and C0 controls anywhere in it
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript|livescript|mocha):")
_DATA_URL = re.compile(r"(?<![a-z0-9+.\-])data:(?!image/(?:png|jpeg|jpg|gif|webp|avif)[;,])")
_MAX_SVGZ = 16 * 1024 * 1024


def suffixes_of(name: str) -> list[str]:
    """Every extension of a file name or path, in order: `a.tar.gz` -> [".tar", ".gz"]."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].rstrip(". \t\r\n").lstrip(".")
    return ["." + part.strip() for part in base.split(".")[1:]]


def _runnable_suffix(suffix: str) -> bool:
    suffix = suffix.lower()
    if suffix in EXECUTABLE_SUFFIXES:
        return True
    mime = mimetypes.guess_type("a" + suffix, strict=False)[0]
    return bool(mime) and suffix not in SVG_SUFFIXES and _RUNNABLE_TYPE.fullmatch(mime.lower()) is not None


def runnable_by_name(name: str) -> str:
    """The extension that alone makes a server send the file as a page or a script ("" when none does)."""
    return next((s for s in suffixes_of(name) if _runnable_suffix(s)), "")


def svg_by_name(name: str) -> bool:
    """True when a server may send the file as SVG: its content decides."""
    return any(s.lower() in SVG_SUFFIXES for s in suffixes_of(name))


def executable_attachment(name: str, data: bytes) -> bool:
    """True when a browser opening this attachment from the site could run script in the site's origin."""
    if runnable_by_name(name):
        return True
    if not svg_by_name(name):
        return False
    if ".svgz" in suffixes_of(name.lower()) or data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                data = f.read(_MAX_SVGZ + 1)
        except (OSError, EOFError, zlib.error):
            return True
        if len(data) > _MAX_SVGZ:
            return True
    return _svg_can_run_script(data)


class _Executable(Exception):
    pass


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].lower()


def _script_value(value: str) -> bool:
    flat = _URL_NOISE.sub("", value).lower()
    return bool(_SCRIPT_SCHEME.search(flat) or _DATA_URL.search(flat))


def _svg_can_run_script(data: bytes) -> bool:
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name, attrs):
        ns = name.rsplit(" ", 1)[0] if " " in name else ""
        local = _local(name)
        if local in _SCRIPT_ELEMENTS or ns == _XHTML_NS:
            raise _Executable
        for key, value in attrs.items():
            key_local = _local(key)
            if key_local.startswith("on") or _script_value(value):
                raise _Executable
            if local in _ANIMATED and key_local == "attributename":
                target = _local(value.strip())
                if target.startswith("on") or target == "href":
                    raise _Executable

    def doctype(_name, _sysid, _pubid, has_internal_subset):
        if has_internal_subset:
            raise _Executable

    def refuse(*_args):
        raise _Executable

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse
    parser.ProcessingInstructionHandler = lambda target, _data: _refuse_stylesheet(target)
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except (_Executable, expat.ExpatError, ValueError, UnicodeError):
        return True
    return False


def _refuse_stylesheet(target: str) -> None:
    if target.strip().lower() == "xml-stylesheet":
        raise _Executable


def executable_file(path) -> bool:
    """`executable_attachment` for a file on disk, reading it only when its name does not decide."""
    from pathlib import Path

    path = Path(path)
    if runnable_by_name(path.name):
        return True
    if not svg_by_name(path.name):
        return False
    try:
        return executable_attachment(path.name, path.read_bytes())
    except OSError:
        return True
