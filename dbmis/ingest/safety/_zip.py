"""The zip container: directory, entry names and bounded streaming decompression.

Nothing here trusts a size the file declares. The central directory is walked (and its entries
counted) before :mod:`zipfile` builds its list; every entry is located through its local header
and decompressed by this module in 64 KiB steps with :mod:`zlib`, so the caller sees the bytes
actually produced and can stop at any limit. Only the methods spreadsheet programs use (stored
and deflate) are accepted.
"""

from __future__ import annotations

import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Generator
from dataclasses import dataclass

from dbmis.ingest.safety.limits import KiB

CHUNK = 64 * KiB

LOCAL_SIG = b"PK\x03\x04"
CENTRAL_SIG = b"PK\x01\x02"
EOCD_SIG = b"PK\x05\x06"
ZIP64_LOCATOR_SIG = b"PK\x06\x07"
ZIP64_EOCD_SIG = b"PK\x06\x06"

_EOCD = struct.Struct("<4s4H2LH")  # 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # 46 bytes
_LOCAL = struct.Struct("<4s5HL2L2H")  # 30 bytes

_STORED = zipfile.ZIP_STORED
_DEFLATED = zipfile.ZIP_DEFLATED
_FLAG_ENCRYPTED = 0x1
_FLAG_UTF8 = 0x800

_DRIVE = re.compile(r"^[A-Za-z]:")


class ZipFault(Exception):
    """A container problem; the inspector turns it into a :class:`SafetyProblem`."""

    def __init__(self, code: str, message: str | None = None, part: str | None = None) -> None:
        super().__init__(code, message, part)
        self.code = code
        self.message = message
        self.part = part


@dataclass(frozen=True)
class Entry:
    """One zip entry, located and checked against its local header."""

    name: str
    method: int
    crc: int
    compress_size: int
    file_size: int  # as declared: only ever compared with what is actually produced
    header_offset: int
    data_start: int
    data_end: int

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")


@dataclass(frozen=True)
class Directory:
    cd_offset: int
    cd_size: int
    entries: int


def find_directory(data: bytes) -> Directory:
    """Find the end-of-central-directory record (zip64 aware) without trusting it blindly."""
    size = len(data)
    if size < _EOCD.size:
        raise ZipFault("FILE_TRUNCATED_ZIP")
    lowest = max(0, size - _EOCD.size - 0xFFFF)
    pos = data.rfind(EOCD_SIG, lowest)
    while pos >= 0:
        if pos + _EOCD.size <= size:
            fields = _EOCD.unpack_from(data, pos)
            if pos + _EOCD.size + fields[7] == size:
                break
        pos = data.rfind(EOCD_SIG, lowest, pos)
    if pos < 0:
        raise ZipFault("FILE_TRUNCATED_ZIP")
    _sig, disk, cd_disk, entries_disk, entries, cd_size, cd_offset, _clen = fields
    cd_end_expected = pos
    loc = pos - _ZIP64_LOCATOR.size
    if loc >= 0 and data[loc : loc + 4] == ZIP64_LOCATOR_SIG:
        _s, z_disk, z_offset, z_disks = _ZIP64_LOCATOR.unpack_from(data, loc)
        if z_disk != 0 or z_disks > 1 or z_offset + _ZIP64_EOCD.size > loc:
            raise ZipFault("FILE_CORRUPT_ZIP")
        if data[z_offset : z_offset + 4] != ZIP64_EOCD_SIG:
            raise ZipFault("FILE_CORRUPT_ZIP")
        (_s, _rsize, _vm, _vn, disk, cd_disk, entries_disk, entries, cd_size, cd_offset) = (
            _ZIP64_EOCD.unpack_from(data, z_offset)
        )
        cd_end_expected = z_offset
    if disk != 0 or cd_disk != 0 or entries_disk != entries:
        raise ZipFault("FILE_CORRUPT_ZIP", "This file is split over several disks or damaged.")
    if cd_offset + cd_size != cd_end_expected:
        # data before the first entry, a directory that runs into the end record, or damage
        raise ZipFault("FILE_CORRUPT_ZIP")
    return Directory(cd_offset, cd_size, entries)


def count_central_entries(data: bytes, directory: Directory, stop_after: int) -> int:
    """Walk the central directory, counting entries; stop early past ``stop_after``."""
    pos = directory.cd_offset
    end = directory.cd_offset + directory.cd_size
    count = 0
    while pos < end:
        if pos + _CENTRAL.size > end or data[pos : pos + 4] != CENTRAL_SIG:
            raise ZipFault("FILE_CORRUPT_ZIP")
        n, m, k = struct.unpack_from("<3H", data, pos + 28)
        pos += _CENTRAL.size + n + m + k
        count += 1
        if count > stop_after:
            return count
    if pos != end or count != directory.entries:
        raise ZipFault("FILE_CORRUPT_ZIP")
    return count


def bad_name_reason(raw: str) -> str | None:
    """Why an entry name is unsafe, or None."""
    if not raw:
        return "an empty name"
    if "\x00" in raw:
        return "a NUL character"
    if "\\" in raw:
        return "a backslash"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        return "a control character"
    if raw.startswith("/"):
        return "an absolute path"
    if _DRIVE.match(raw):
        return "a drive letter"
    if len(raw) > 1024:
        return "an overlong name"
    parts = raw.split("/")
    if raw.endswith("/"):
        parts = parts[:-1]
    if any(p in ("", ".", "..") for p in parts):
        return "a '.', '..' or empty path component"
    return None


def open_entries(data: bytes, directory: Directory) -> list[zipfile.ZipInfo]:
    """The central directory as :mod:`zipfile` reads it (used for parsing only)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        struct.error,
        EOFError,
        OSError,
        NotImplementedError,
        IndexError,
    ) as exc:
        raise ZipFault("FILE_CORRUPT_ZIP") from exc
    if len(infos) != directory.entries:
        raise ZipFault("FILE_CORRUPT_ZIP")
    return infos


def locate(data: bytes, info: zipfile.ZipInfo, cd_offset: int) -> Entry:
    """Check an entry's local header against the central directory and find its data."""
    name = info.orig_filename
    off = info.header_offset
    if off < 0 or off + _LOCAL.size > cd_offset:
        raise ZipFault("FILE_CORRUPT_ZIP", part=name)
    sig, _ver, flags, method, _t, _d, _crc, _cs, _us, n, m = _LOCAL.unpack_from(data, off)
    if sig != LOCAL_SIG:
        raise ZipFault("FILE_CORRUPT_ZIP", part=name)
    raw_local = data[off + _LOCAL.size : off + _LOCAL.size + n]
    try:
        local_name = raw_local.decode("utf-8" if flags & _FLAG_UTF8 else "cp437")
    except UnicodeDecodeError as exc:
        raise ZipFault("FILE_BAD_ENTRY_NAME", part=name) from exc
    if local_name != name:
        raise ZipFault(
            "FILE_BAD_ENTRY_NAME",
            "This file gives one of its parts two different names. Such files are refused "
            "for safety. Download a fresh template, copy your figures into it, and upload "
            "that file.",
            part=name,
        )
    if (info.flag_bits | flags) & _FLAG_ENCRYPTED:
        raise ZipFault(
            "FILE_CORRUPT_ZIP",
            "Part of this file is protected with a zip password, which spreadsheet programs "
            "never do. Open the file in Excel, save it as Excel Workbook (.xlsx), and upload "
            "again.",
            part=name,
        )
    if info.compress_type not in (_STORED, _DEFLATED) or method != info.compress_type:
        raise ZipFault(
            "FILE_CORRUPT_ZIP",
            "This file is compressed in a way spreadsheet programs do not use. Open it in "
            "Excel, save it as Excel Workbook (.xlsx), and upload again.",
            part=name,
        )
    start = off + _LOCAL.size + n + m
    end = start + info.compress_size
    if end > cd_offset:
        raise ZipFault("FILE_CORRUPT_ZIP", part=name)
    if info.compress_type == _STORED and info.compress_size != info.file_size:
        raise ZipFault("FILE_CORRUPT_ZIP", part=name)
    return Entry(
        name=name,
        method=info.compress_type,
        crc=info.CRC,
        compress_size=info.compress_size,
        file_size=info.file_size,
        header_offset=off,
        data_start=start,
        data_end=end,
    )


def find_overlap(entries: list[Entry]) -> Entry | None:
    """An entry whose header or data overlaps another's (the 'overlapping files' bomb)."""
    ordered = sorted(entries, key=lambda e: e.header_offset)
    for before, after in itertools.pairwise(ordered):
        if after.header_offset < before.data_end:
            return after
    return None


def stream(data: bytes, entry: Entry) -> Generator[bytes, None, None]:
    """Yield the entry's decompressed bytes in pieces of at most :data:`CHUNK` bytes.

    Raises :class:`ZipFault` ``FILE_ZIP_BOMB`` as soon as more bytes come out than the
    directory declares, and ``FILE_CORRUPT_ZIP`` at the end if fewer came out, the deflate
    stream is incomplete or followed by stray data, or the CRC does not match. A caller that stops early skips those
    end checks.
    """
    view = memoryview(data)
    produced = 0
    crc = 0
    declared = entry.file_size

    def fault() -> ZipFault:
        return ZipFault("FILE_CORRUPT_ZIP", part=entry.name)

    if entry.method == _STORED:
        for pos in range(entry.data_start, entry.data_end, CHUNK):
            piece = bytes(view[pos : min(pos + CHUNK, entry.data_end)])
            crc = zlib.crc32(piece, crc)
            yield piece
        produced = entry.compress_size
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pos = entry.data_start
        try:
            while not inflater.eof:
                if inflater.unconsumed_tail:
                    piece = inflater.decompress(inflater.unconsumed_tail, CHUNK)
                elif pos < entry.data_end:
                    stop = min(pos + CHUNK, entry.data_end)
                    piece = inflater.decompress(view[pos:stop], CHUNK)
                    pos = stop
                else:
                    # input used up: drain output zlib may still hold, then give up
                    piece = inflater.decompress(b"", CHUNK)
                    if not piece:
                        break
                if piece:
                    produced += len(piece)
                    if produced > declared:
                        # more comes out than the directory declares: the classic way to slip
                        # a bomb past size checks (zipfile would silently cut it short)
                        raise ZipFault("FILE_ZIP_BOMB", part=entry.name)
                    crc = zlib.crc32(piece, crc)
                    yield piece
        except zlib.error as exc:
            raise fault() from exc
        if not inflater.eof or pos < entry.data_end or inflater.unused_data:
            raise fault()
    if produced != declared or crc != entry.crc:
        raise fault()
