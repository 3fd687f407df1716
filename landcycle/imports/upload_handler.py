"""Upload size limit enforced while the body streams in (before any view or form runs)."""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from .limits import MB, limit


class LimitedUploadHandler(FileUploadHandler):
    """Drops a file larger than LANDCYCLE_IMPORT_MAX_FILE_MB as soon as its bytes pass the limit
    (the rest of the body is read and discarded, never stored) and marks the request with
    ``upload_refused_bytes`` so the view can say why. First in ``FILE_UPLOAD_HANDLERS``."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = limit("LANDCYCLE_IMPORT_MAX_FILE_MB") * MB

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            if self.request is not None:
                self.request.upload_refused_bytes = max(
                    start + len(raw_data), int(self.request.META.get("CONTENT_LENGTH") or 0)
                )
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
