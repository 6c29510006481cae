"""Running a platform import for the CLI and the HTTP upload alike: the sink wired to the
Community, quiet members' returns after each batch, the tables' statistics after."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from application.importers.formats import Format
from application.importers.ports import AttendanceRecorder
from application.importers.report import ImportReport
from application.importers.run import Progress, run_import
from application.importers.sink import AfterBatch, ImportSink
from application.runtime import Runtime
from application.statistics import IMPORTED_TABLES, refresh_statistics


def import_export(
    runtime: Runtime,
    fmt: Format,
    path: Path,
    *,
    after_batch: AfterBatch,
    strict: bool = False,
    event_id: UUID | None = None,
    attendance: AttendanceRecorder | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one export; the report of what became of every record.

    An attendee file needs its event open for attendance: CommunityEventNotFound or
    EventIsCancelled (a DomainError) is raised before a row is read.
    """
    if fmt.needs_event:
        if attendance is None or event_id is None:
            raise ValueError(f"{fmt.name} files are applied to a community event: give its id")
        attendance.open_for_attendance(event_id)
    community = runtime.community

    def sink_for(report: ImportReport) -> ImportSink:
        return ImportSink(
            community,
            report,
            after_batch=after_batch,
            attendance=attendance,
            event_id=event_id,
        )

    report = run_import(
        fmt,
        path,
        sink_for,
        strict=strict,
        check=community.bounds,
        clock=community.clock,
        progress=progress,
    )
    if report.imported or report.members_created:
        refresh_statistics(runtime.pool, IMPORTED_TABLES)
    return report
