"""One check of uploads (core.uploads): one accepted-type table with per-place subsets, judged
by the bytes; one size limit, LANDCYCLE_UPLOAD_MAX_MB, with the old names read for one release."""

import io
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from landcycle.core import uploads
from landcycle.core.uploads import UploadRefused, check_upload, detect_type
from tests.lifecycle.samples import EXE, docx_bytes, pdf_bytes, png_bytes


def ofd_bytes(entry: str = "OFD.xml") -> bytes:
    """A minimal OFD package (GB/T 33190): a zip whose entry document is OFD.xml."""
    out = io.BytesIO()
    when = (2025, 6, 30, 0, 0, 0)  # fixed: the same bytes on every call
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("Doc_0/Document.xml", when), "<ofd:Document/>")
        archive.writestr(
            zipfile.ZipInfo(entry, when),
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
        )
    return out.getvalue()


@pytest.fixture(autouse=True)
def no_limit_settings(settings, monkeypatch):
    settings.LANDCYCLE_UPLOAD_MAX_MB = None
    for name, _factor in uploads.DEPRECATED_LIMITS:
        if hasattr(settings, name):
            delattr(settings, name)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("LANDCYCLE_UPLOAD_MAX_MB", raising=False)


def test_every_place_is_a_subset_of_the_one_table():
    assert set(uploads.PLACES) == {"documents", "attachments", "evidence"}
    for keys in uploads.PLACES.values():
        assert keys <= set(uploads.ACCEPTED)
    assert uploads.PLACES["evidence"] == uploads.PLACES["documents"] | {"ofd"}
    assert uploads.PLACES["attachments"] == uploads.PLACES["documents"]
    assert ".ofd" in uploads.accepted_suffixes("evidence")
    assert ".ofd" not in uploads.accepted_suffixes("documents")
    assert "OFD" in uploads.accepted_labels("evidence")
    with pytest.raises(ValueError, match="unknown upload place"):
        uploads.accepted_suffixes("photos")


@pytest.mark.parametrize(
    "content, name, place, mime",
    [
        (pdf_bytes(), "a.pdf", "documents", "application/pdf"),
        (png_bytes(), "现场.PNG", "attachments", "image/png"),
        (docx_bytes(), "通知.docx", "evidence", uploads.ACCEPTED["docx"].mime),
        (ofd_bytes(), "电子证照.ofd", "evidence", "application/ofd"),
    ],
)
def test_accepted_by_content(content, name, place, mime):
    assert check_upload(content, name, place).mime == mime


@pytest.mark.parametrize(
    "content, name, place, message",
    [
        (ofd_bytes(), "电子证照.ofd", "documents", "不是可接收的类型（识别为 ZIP 压缩包"),
        (ofd_bytes(), "电子证照.ofd", "attachments", "不是可接收的类型"),
        (ofd_bytes("readme.txt"), "假.ofd", "evidence", "不是可接收的类型（识别为 ZIP"),
        (ofd_bytes(), "包.zip", "evidence", "不是可接收的类型"),
        (docx_bytes(), "通知.ofd", "evidence", "扩展名“.ofd”与内容（Word 文档）不符"),
        (EXE, "裁定书.pdf", "evidence", "Windows 可执行程序"),
        (pdf_bytes(), "a.png", "documents", "扩展名“.png”与内容（PDF）不符"),
        (b"", "a.pdf", "documents", "空文件"),
        (pdf_bytes(), "", "documents", "没有名称"),
    ],
)
def test_refused_says_why(content, name, place, message):
    with pytest.raises(UploadRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_upload(content, name, place)


def test_ofd_is_looked_into_when_the_whole_file_is_given():
    # OFD.xml written last: not in the first bytes, found through the zip's directory
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Doc_0/Res/big.bin", bytes(range(256)) * 100, zipfile.ZIP_STORED)
        archive.writestr("OFD.xml", "<ofd:OFD/>")
    data = out.getvalue()
    upload = SimpleUploadedFile("证照.ofd", data)
    assert check_upload(upload, "证照.ofd", "evidence").label.startswith("OFD")
    assert upload.tell() == 0  # left where it was found, for the copy
    with pytest.raises(UploadRefused):
        detect_type(data[: uploads.HEAD_BYTES], "证照.ofd", "evidence")  # head only: not seen


def test_one_limit_for_every_place(settings):
    assert uploads.max_upload_mb() == 20.0 and uploads.limit_text() == "20 MB"
    settings.LANDCYCLE_UPLOAD_MAX_MB = 0.001  # 1,048 bytes
    big = pdf_bytes("x" * 2000)
    for place in uploads.PLACES:
        with pytest.raises(UploadRefused, match="大小 2 KB，超过上限 1 KB，未保存"):
            check_upload(big, "big.pdf", place)
    settings.LANDCYCLE_UPLOAD_MAX_MB = "5"
    assert uploads.max_upload_bytes() == 5 * 1024 * 1024
    assert uploads.help_text("evidence").endswith("单个不超过 5 MB")
    settings.LANDCYCLE_UPLOAD_MAX_MB = "zero"
    with pytest.raises(ValueError, match="LANDCYCLE_UPLOAD_MAX_MB 须为正数"):
        uploads.max_upload_mb()


def test_the_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("LANDCYCLE_UPLOAD_MAX_MB", "2.5")
    assert uploads.max_upload_mb() == 2.5


@pytest.mark.parametrize(
    "name, value, mb",
    [
        ("LANDCYCLE_DOCUMENT_MAX_MB", "7", 7.0),
        ("LANDCYCLE_EVIDENCE_MAX_MB", "10", 10.0),
        ("LANDCYCLE_EVIDENCE_MAX_BYTES", str(3 * 1024 * 1024), 3.0),
    ],
)
def test_old_names_are_read_with_a_deprecation_warning(settings, monkeypatch, name, value, mb):
    monkeypatch.setenv(name, value)
    with pytest.warns(DeprecationWarning, match=f"{name} is deprecated"):
        assert uploads.max_upload_mb() == mb
    setattr(settings, name, float(value))  # as a Django setting too
    monkeypatch.delenv(name)
    with pytest.warns(DeprecationWarning):
        assert uploads.max_upload_mb() == mb
    # the new name wins, silently
    settings.LANDCYCLE_UPLOAD_MAX_MB = 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert uploads.max_upload_mb() == 4.0
