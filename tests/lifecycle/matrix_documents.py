"""Permission-matrix rows of the documents (一地一档): a parcel's documents page and upload, and
the file itself. "own" = parcel A-0001 / a document of it (street A, held by enterprise A);
"other" = parcel B-0001 / a document of it."""

from tests.web.permission_codes import OWN_ONLY, PAGE_NO_METHOD, page

# An empty upload: the form shown again with its error (200) to roles that may add documents
# (HANDLE: officers; SUBMIT: the enterprise on its own parcel); readers are refused (403);
# out of scope is "not found".
UPLOAD_OWN = "200 200 200 403 200 403 302"
UPLOAD_OTHER = "200 200 404 403 404 403 302"
# Replace / withdraw a document (GET: the confirmation form; an empty POST: the form again with
# its error). Officers who may HANDLE the document's parcel or case; readers have no such
# action (403); the enterprise may amend only what its own users uploaded — not this document,
# attached by the system (404); out of scope is "not found".
AMEND_OWN = "200 200 200 403 404 403 302"
AMEND_OTHER = "200 200 404 403 404 403 302"

ROWS = {
    ("lifecycle:documents", "own"): page(POST=UPLOAD_OWN),
    ("lifecycle:documents", "other"): page(OWN_ONLY, POST=UPLOAD_OTHER),
    ("lifecycle:document_file", "own"): page(),
    ("lifecycle:document_file", "other"): page(OWN_ONLY, POST=PAGE_NO_METHOD),
    ("lifecycle:document_replace", "own"): page(AMEND_OWN, POST=AMEND_OWN),
    ("lifecycle:document_replace", "other"): page(AMEND_OTHER, POST=AMEND_OTHER),
    ("lifecycle:document_withdraw", "own"): page(AMEND_OWN, POST=AMEND_OWN),
    ("lifecycle:document_withdraw", "other"): page(AMEND_OTHER, POST=AMEND_OTHER),
}
KWARGS = {"lifecycle:documents": {"target": "parcel"}}
OBJECT_KEYS = {
    "lifecycle:documents": "parcel",
    "lifecycle:document_file": "document",
    "lifecycle:document_replace": "document",
    "lifecycle:document_withdraw": "document",
}


def objects(world):
    from landcycle.lifecycle.services.documents import attach
    from tests.lifecycle.samples import pdf_bytes

    return {
        "own": {"document": attach(pdf_bytes(), name="甲合同.pdf", target=world.parcel_a)},
        "other": {"document": attach(pdf_bytes(), name="乙合同.pdf", target=world.parcel_b)},
    }
