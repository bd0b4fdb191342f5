"""The evidence store: every uploaded file kept by its SHA-256, never under its client name.

Files live outside any served folder, in ``<root>/<aa>/<bb>/<sha256>``; writing is atomic
(temporary file then rename) and idempotent (the same bytes are stored once).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dbmis.errors import NotFoundError


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class EvidenceStore:
    root: Path

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes; return their SHA-256. Storing the same bytes again is a no-op."""
        digest = sha256_of(data)
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp).replace(target)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return digest

    def get(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        if not path.is_file():
            raise NotFoundError(f"no evidence file with SHA-256 {sha256}")
        return path.read_bytes()

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()
