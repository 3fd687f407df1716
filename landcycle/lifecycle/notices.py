"""Exit-procedure notices as DOCX (python-docx: pure Python, no system binaries). The wording
is in ``templates/lifecycle/notices/*.txt`` (Django templates); fonts are referenced by name
(仿宋 / 黑体), so the reader's Word or WPS renders the Chinese text and nothing is downloaded."""

from __future__ import annotations

import datetime as dt
import io

from django.template.loader import render_to_string

from .models import ExitCase

FONT_BODY = "仿宋"
FONT_TITLE = "黑体"
ISSUER = "中关村科技园区门头沟园管理委员会"


class NoticeError(ValueError):
    pass


def _step(case: ExitCase, state: str):
    return case.steps.filter(to_state=state).order_by("-on", "-id").first()


def notice_context(case: ExitCase, kind: str, today: dt.date | None = None) -> dict:
    S = ExitCase.State
    today = today or dt.date.today()
    context = {"case": case, "issuer": ISSUER, "today": today, "number": "", "flag": ""}
    if kind == "interview":
        context["due"] = case.interview_due
    elif kind == "rectification":
        step = _step(case, S.RECTIFICATION)
        interview = _step(case, S.INTERVIEWED)
        if step is None or interview is None:
            raise NoticeError("案件尚未进入书面通知整改阶段")
        context.update(
            due=case.rectification_due,
            interview_on=interview.on,
            today=step.on,
            number=step.document_number,
            flag=(case.deadline_flags or {}).get("rectification_due", ""),
        )
    elif kind == "exit":
        step = _step(case, S.EXIT_NOTICE)
        rectification = _step(case, S.RECTIFICATION)
        if step is None or rectification is None:
            raise NoticeError("案件尚未进入限期退出阶段")
        context.update(
            due=case.exit_due,
            rectification_on=rectification.on,
            rectification_due=case.rectification_due,
            today=step.on,
            number=step.document_number,
            clawbacks=list(case.clawbacks.all()),
        )
    else:
        raise NoticeError(f"unknown notice {kind!r}")
    return context


def render_text(case: ExitCase, kind: str, today: dt.date | None = None) -> str:
    return render_to_string(f"lifecycle/notices/{kind}.txt", notice_context(case, kind, today))


def _set_font(run, name: str, size_pt: float) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def exit_notice_docx(case: ExitCase, kind: str, today: dt.date | None = None) -> bytes:
    """The notice as a .docx: title centred in 黑体, number centred, body in 仿宋 三号."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    lines = [line.rstrip() for line in render_text(case, kind, today).strip().splitlines()]
    document = Document()
    title, number, *body = lines
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(paragraph.add_run(title), FONT_TITLE, 22)
    if number:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(paragraph.add_run(number), FONT_BODY, 16)
    trailer = 2  # issuer and date, right-aligned
    for index, line in enumerate(body):
        if not line:
            continue
        paragraph = document.add_paragraph()
        if index >= len(body) - trailer:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _set_font(paragraph.add_run(line), FONT_BODY, 16)
    day = today or dt.date.today()
    issued = dt.datetime(day.year, day.month, day.day)
    document.core_properties.created = document.core_properties.modified = issued
    out = io.BytesIO()
    document.save(out)
    return _stamped(out.getvalue(), issued)


def _stamped(docx: bytes, when: dt.datetime) -> bytes:
    """The same bytes for the same notice: every zip member stamped with the notice's date
    (a member otherwise carries the moment it was written), so a notice stored twice is one
    file on the case's record (documents are named by their SHA-256)."""
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
