"""URLs of the paper pages, all under a box: ``/paper/boxes/<box>/…``."""

from django.urls import path

from phieukin.paper import views

app_name = "paper"
urlpatterns = [
    path("boxes/<int:box_id>/", views.box_paper, name="box"),
    path("rounds/<int:round_id>/reader-checks/", views.round_checks, name="round_checks"),
    path(
        "rounds/<int:round_id>/reader-checks.xlsx",
        views.round_checks_xlsx,
        name="round_checks_xlsx",
    ),
    path("boxes/<int:box_id>/counts/", views.paper_counts, name="counts"),
    path("boxes/<int:box_id>/double-entry/", views.double_entry, name="double_entry"),
    path("boxes/<int:box_id>/spot-check/", views.spot_check, name="spot_check"),
    path("boxes/<int:box_id>/entry/", views.entry, name="entry"),
    path("boxes/<int:box_id>/entry/undo/", views.undo, name="undo"),
    path("boxes/<int:box_id>/resolve/", views.resolutions, name="resolutions"),
    path("boxes/<int:box_id>/resolve/<int:entry_id>/", views.resolve, name="resolve"),
    path("boxes/<int:box_id>/resolve/<int:entry_id>/discard/", views.discard, name="discard"),
]
urlpatterns += [
    path("boxes/<int:box_id>/print/", views.print_ballots, name="print"),
    path("boxes/<int:box_id>/scans/", views.upload, name="upload"),
    path("boxes/<int:box_id>/scans/<int:batch_id>/", views.batch, name="batch"),
    path("boxes/<int:box_id>/scans/<int:batch_id>/step/", views.batch_step, name="batch_step"),
    path("boxes/<int:box_id>/review/", views.review_queue, name="review_queue"),
    path("boxes/<int:box_id>/review/<int:reading_id>/", views.review, name="review"),
    path(
        "boxes/<int:box_id>/review/<int:reading_id>/items/<int:crop_id>.png",
        views.crop_image,
        name="crop",
    ),
    path(
        "boxes/<int:box_id>/review/<int:reading_id>/pages/<int:page>.jpg",
        views.page_image,
        name="page_image",
    ),
    path(
        "boxes/<int:box_id>/review/<int:reading_id>/comment.png",
        views.comment_image,
        name="comment_image",
    ),
]
