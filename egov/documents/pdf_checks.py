"""What an uploaded PDF would cost to open, and whether it carries content that runs by itself.

Both checks read the file the way an attacker would have to beat them: every stream is decoded
incrementally, a megabyte at a time, and counting stops at the first byte over a cap, so a
decompression bomb is refused after a bounded amount of work and memory instead of being
inflated whole by qpdf, PDFium or OCRmyPDF later.
"""

import base64
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pikepdf
from django.conf import settings

# Decoded bytes are produced and counted in pieces of this size.
CHUNK = 1024 * 1024
# Below this many decoded bytes the ratio does not matter: a nearly blank page kept with Flate
# inflates several hundred times, and a few of them cannot hurt.
RATIO_FLOOR_BYTES = 64 * 1024 * 1024
# Filters that only re-encode bytes; the others (DCT, JPX, JBIG2, CCITT) are image codecs whose
# output is bounded by the image's /Width × /Height, which is checked against the pixel cap.
_FLATE = {"/FlateDecode", "/Fl"}
_HEX = {"/ASCIIHexDecode", "/AHx"}
_A85 = {"/ASCII85Decode", "/A85"}
_RUN_LENGTH = {"/RunLengthDecode", "/RL"}
_LZW = {"/LZWDecode", "/LZW"}


class DecompressionBombError(Exception):
    """The PDF would expand past the caps when opened."""


class ActiveContentError(Exception):
    """The PDF carries content that a reader may run or open by itself."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class _Budget:
    """Decoded bytes allowed for one file: an absolute cap, and a ratio to the file's size."""

    file_size: int
    total: int = 0

    def spend(self, count: int) -> None:
        self.total += count
        limit = settings.EGOV_PDF_MAX_DECODED_BYTES
        ratio_limit = max(RATIO_FLOOR_BYTES, settings.EGOV_PDF_MAX_RATIO * self.file_size)
        if self.total > limit or self.total > ratio_limit:
            raise DecompressionBombError(f"{self.total} decoded bytes from {self.file_size}")


def check_expansion(pdf: pikepdf.Pdf, file_size: int) -> None:
    """Decode every stream with the caps; raise DecompressionBombError at the first excess."""
    budget = _Budget(file_size)
    max_pixels = settings.EGOV_UPLOAD_MAX_PIXELS
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == pikepdf.Name.Image:
            width, height = obj.get("/Width", 0), obj.get("/Height", 0)
            if not isinstance(width, int) or not isinstance(height, int):
                raise ValueError("image size is not a number")
            if width * height > max_pixels:
                raise DecompressionBombError(f"image of {width} × {height} pixels")
        for piece in decode(obj.read_raw_bytes(), _filters(obj)):
            budget.spend(len(piece))


def decode(raw: bytes, filters: Iterable[tuple[str, int]]) -> Iterator[bytes]:
    """The stream's decoded bytes in pieces of at most about CHUNK, never the whole at once.

    Each filter is given as its name and, for LZW, its /EarlyChange. Damaged data ends the
    stream here as it does in the readers; qpdf then refuses the page if it needs it.
    """
    view = memoryview(raw)
    pieces: Iterator[bytes] = (bytes(view[i : i + CHUNK]) for i in range(0, len(raw), CHUNK))
    for name, early_change in filters:
        if name in _FLATE:
            pieces = _inflate(pieces)
        elif name in _HEX:
            pieces = _unhex(pieces)
        elif name in _A85:
            pieces = _un85(pieces)
        elif name in _RUN_LENGTH:
            pieces = _un_run_length(pieces)
        elif name in _LZW:
            pieces = _un_lzw(pieces, early_change)
        else:
            break
    return pieces


def _filters(stream: pikepdf.Stream) -> list[tuple[str, int]]:
    names = stream.get("/Filter")
    parms = stream.get("/DecodeParms")
    name_list = list(names) if isinstance(names, pikepdf.Array) else [names] if names is not None else []
    parm_list = list(parms) if isinstance(parms, pikepdf.Array) else [parms] * len(name_list)
    result = []
    for index, name in enumerate(name_list):
        parm = parm_list[index] if index < len(parm_list) else None
        early = parm.get("/EarlyChange", 1) if isinstance(parm, pikepdf.Dictionary) else 1
        result.append((str(name), int(early) if isinstance(early, int) else 1))
    return result


def _inflate(pieces: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for piece in pieces:
        data = piece
        while True:
            try:
                out = inflater.decompress(data, CHUNK)
            except zlib.error:
                return
            if out:
                yield out
            if inflater.eof:
                return
            data = inflater.unconsumed_tail
            # A full piece may leave output pending inside zlib even when no input is left.
            if not data and len(out) < CHUNK:
                break


_NOT_HEX = re.compile(rb"[^0-9A-Fa-f]")
_SPACE = re.compile(rb"\s")


def _unhex(pieces: Iterator[bytes]) -> Iterator[bytes]:
    pending = b""
    for piece in pieces:
        end = piece.find(b">")
        digits = pending + _NOT_HEX.sub(b"", piece if end < 0 else piece[:end])
        even = len(digits) // 2 * 2
        yield bytes.fromhex(digits[:even].decode("ascii"))
        pending = digits[even:]
        if end >= 0:
            break
    if pending:
        yield bytes.fromhex((pending + b"0").decode("ascii"))


def _un85(pieces: Iterator[bytes]) -> Iterator[bytes]:
    pending = b""
    try:
        for piece in pieces:
            end = piece.find(b"~")
            text = pending + _SPACE.sub(b"", piece if end < 0 else piece[:end]).replace(b"z", b"!!!!!")
            whole = len(text) // 5 * 5
            yield base64.a85decode(text[:whole])
            pending = text[whole:]
            if end >= 0:
                break
        if pending:
            yield base64.a85decode(pending)
    except ValueError:
        return


def _un_run_length(pieces: Iterator[bytes]) -> Iterator[bytes]:
    out = bytearray()
    repeat = -1  # the length byte of a run whose byte is in the next piece
    literal = 0  # bytes still to copy of a literal run
    for piece in pieces:
        position = 0
        while position < len(piece):
            if literal:
                taken = piece[position : position + literal]
                out += taken
                literal -= len(taken)
                position += len(taken)
            elif repeat >= 0:
                out += piece[position : position + 1] * (257 - repeat)
                repeat = -1
                position += 1
            else:
                length = piece[position]
                position += 1
                if length == 128:  # end of data
                    yield bytes(out)
                    return
                if length < 128:
                    literal = length + 1
                else:
                    repeat = length
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
    yield bytes(out)


def _un_lzw(pieces: Iterator[bytes], early_change: int) -> Iterator[bytes]:
    """LZW as in ISO 32000-1 §7.4.4 (codes of 9 to 12 bits, 256 clears the table, 257 ends)."""
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    width, buffer, bits = 9, 0, 0
    previous: bytes | None = None
    out = bytearray()
    for piece in pieces:
        for byte in piece:
            buffer = (buffer << 8) | byte
            bits += 8
            while bits >= width:
                bits -= width
                code = (buffer >> bits) & ((1 << width) - 1)
                buffer &= (1 << bits) - 1
                if code == 256:
                    del table[258:]
                    width, previous = 9, None
                    continue
                if code == 257:
                    yield bytes(out)
                    return
                if code < len(table) and (code < 256 or code > 257):
                    entry = table[code]
                    if previous is not None and len(table) < 4096:
                        table.append(previous + entry[:1])
                elif code == len(table) and previous is not None:
                    entry = previous + previous[:1]
                    table.append(entry)
                else:  # damaged
                    yield bytes(out)
                    return
                out += entry
                previous = entry
                if width < 12 and len(table) + early_change >= 1 << width:
                    width += 1
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
    yield bytes(out)


# Actions that run code, start programs, send the form somewhere or open an embedded file
# (ISO 32000-1 §12.6.4). Links (/URI, /GoTo) stay: every office PDF has them.
ACTIVE_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/ImportData": "javascript",
    "/SubmitForm": "submit",
    "/RichMediaExecute": "rich_media",
    "/GoToE": "embedded_files",
}
ACTIVE_SUBTYPES = {"/FileAttachment": "embedded_files", "/RichMedia": "rich_media"}
ACTIVE_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/EmbeddedFiles": "embedded_files",
    "/EF": "embedded_files",
    "/RichMediaContent": "rich_media",
    "/XFA": "xfa",
}
# Guards the walk against PDFs built to be walked forever.
MAX_DIRECT_OBJECTS = 1_000_000


def check_active_content(pdf: pikepdf.Pdf) -> None:
    """Raise ActiveContentError naming the first kind of self-running or embedded content found.

    Every indirect object is looked at, with the dictionaries and arrays written inside it, so
    content is found however it is reached (catalogue, page, annotation, form field, outline).
    """
    walked = 0
    for obj in pdf.objects:
        stack: list[pikepdf.Object] = [obj]
        while stack:
            current = stack.pop()
            walked += 1
            if walked > MAX_DIRECT_OBJECTS:
                raise ValueError("too many objects")
            if isinstance(current, pikepdf.Stream | pikepdf.Dictionary):
                _check_dictionary(current)
                children = list(current.values())
            elif isinstance(current, pikepdf.Array):
                children = list(current)
            else:
                continue
            # Indirect children are visited as objects of their own.
            stack.extend(
                child
                for child in children
                if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect
            )


def _check_dictionary(dictionary: pikepdf.Dictionary | pikepdf.Stream) -> None:
    for key in map(str, dictionary):
        if key in ACTIVE_KEYS:
            raise ActiveContentError(ACTIVE_KEYS[key])
    action = dictionary.get("/S")
    if isinstance(action, pikepdf.Name) and str(action) in ACTIVE_ACTIONS:
        raise ActiveContentError(ACTIVE_ACTIONS[str(action)])
    subtype = dictionary.get("/Subtype")
    if isinstance(subtype, pikepdf.Name) and str(subtype) in ACTIVE_SUBTYPES:
        raise ActiveContentError(ACTIVE_SUBTYPES[str(subtype)])
    if dictionary.get("/Type") == pikepdf.Name.EmbeddedFile:
        raise ActiveContentError("embedded_files")
