"""read -> map -> validate -> load, publishing a new generation atomically.

One bad record never stops the others: its problems are reported and the rest are
published. Nothing is published when no record passes, when the vocabulary itself
is broken, or when anything fails before the switch: the previous catalogue stays.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import sys
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from . import __version__
from .catalogue import Catalogue, CatalogueError
from .checking import Checker, Outcome
from .publish import GenerationWriter
from .rdf.mapping import identify
from .records import read_sources
from .records.model import UNREADABLE_FILE, Problem, Record, Severity, SourceLocation
from .registry import Entry, Registry
from .search import index as search_index
from .store import Generation, generations


@dataclass
class IngestReport:
    read: int = 0
    checked: int = 0
    unchanged: int = 0
    passed: int = 0
    """Records read this time that may be published: unchanged, or checked without a
    violation (duplicates and rejected records are not)."""
    published: int = 0
    rejected: int = 0
    withdrawn: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unread: dict[str, str] = field(default_factory=dict)
    """The files a reader could not read, wholly or in part: name -> the file as given."""
    generation: str | None = None

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.VIOLATION]

    @property
    def exit_code(self) -> int:
        return 1 if self.violations else 0


class NotPublished(CatalogueError):
    """The run ends without publishing; ``report`` says what was found."""

    def __init__(self, message: str, report: IngestReport):
        super().__init__(message)
        self.report = report


class NothingToPublish(NotPublished):
    """No record passed: the ``report`` says why, problem by problem."""

    exit_code = 1


class TooManyWithdrawals(NotPublished):
    """More records would be withdrawn than CTLIB_WITHDRAWAL_LIMIT allows: a source
    directory half copied, a partner's file left out, is not a decision to unpublish."""


COLLECTOR_THRESHOLDS = (100_000, 50, 1000)
"""Python's cyclic garbage collector in the ingesting process. Reading builds millions
of small objects that all live to the end, and at the default (700, 10, 10) the
collector kept walking them: 4 of the 17-19 s of an unchanged 100k re-ingest. This
process makes little cyclic garbage, so collecting rarely costs no memory."""
WORKER_THRESHOLDS = (5000, 10, 10)
"""The collector in a checking worker. pyshacl leaves cycles, so full collections must
go on: at COLLECTOR_THRESHOLDS a worker grew by 6 MB per batch. Collecting the young
every 5,000 allocations instead of 700 checked a record in 0.41 ms instead of 0.51,
for 20 MB more per worker after 90 batches (then steady)."""


@contextmanager
def _collecting_rarely():
    """The collector at COLLECTOR_THRESHOLDS, and what exists so far (modules, the
    vocabularies and shapes) moved out of its sight, for the duration."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def ingest(paths: Iterable[Path], catalogue: Catalogue, publish: bool = True,
           progress: bool = False, allow_withdrawals: bool = False) -> IngestReport:
    """Check every record of ``paths``; with ``publish``, make the result the catalogue.
    ``allow_withdrawals``: withdraw however many records are gone (TooManyWithdrawals)."""
    store = generations(catalogue.config)
    refusals = _Refusals(catalogue.config.withdrawal_limit, allow_withdrawals, publish)
    if not publish:
        with _collecting_rarely():
            return _ingest(paths, catalogue, store.current(), None, progress, refusals)
    with store.new_generation(copy_current=True) as generation, _collecting_rarely():
        report = _ingest(paths, catalogue, store.current(), generation, progress, refusals)
    return report


def _ingest(paths, catalogue: Catalogue, previous: Generation | None,
            generation: Generation | None, progress: bool, refusals: _Refusals
            ) -> IngestReport:
    registry = Registry.read(previous.registry_path if previous else None)
    now = _now()
    report = IngestReport()
    _check_vocabulary(catalogue, registry)
    if generation is None:
        report = _report(paths, catalogue, registry, report, now, progress, None)[0]
        refusals.check(report, registry)
        return report
    if previous is not None and not search_index.is_current(previous.search_path):
        registry = _checked_by_nothing(registry)
    writer = GenerationWriter(catalogue, generation, registry, previous)
    try:
        report, next_registry = _report(paths, catalogue, registry, report, now, progress,
                                        writer)
        refusals.check(report, registry)
        next_registry.info.update({"ingested": now, "version": __version__,
                                   "context": catalogue.context_hash})
        writer.finish(next_registry, report.withdrawn)
    finally:
        writer.close()
    report.generation = generation.id
    return report


@dataclass(frozen=True)
class _Refusals:
    """What stops a run from publishing, the same for ingest and validate."""

    withdrawal_limit: float
    """CTLIB_WITHDRAWAL_LIMIT: the percentage of published records one run may withdraw."""
    allow_withdrawals: bool
    publishing: bool

    def check(self, report: IngestReport, before: Registry) -> None:
        if report.passed == 0:
            raise NothingToPublish(self._nothing(f"none of the {report.read} records passed"),
                                   report)
        published = sum(1 for _ in before.published())
        withdrawn = len(report.withdrawn)
        if not self.allow_withdrawals and withdrawn > published * self.withdrawal_limit / 100:
            files = Counter(before.entries[i].source for i in report.withdrawn)
            raise TooManyWithdrawals(self._nothing(
                f"{withdrawn} of the {published} published records would be withdrawn "
                f"({100 * withdrawn / published:.3g}%, more than CTLIB_WITHDRAWAL_LIMIT's "
                f"{self.withdrawal_limit:g}%): "
                + ", ".join(f"{count} from {name or 'files not recorded'}"
                            for name, count in files.most_common())
                + "; if they are really gone, run again with --allow-withdrawals"), report)

    def _nothing(self, why: str) -> str:
        if self.publishing:
            return f"nothing published: {why}; the previous catalogue is unchanged"
        return f"nothing would be published: {why}"


def _checked_by_nothing(registry: Registry) -> Registry:
    """The registry with every record due for checking again: a generation published
    without a search index of this version's layout gets one built from every record."""
    return Registry({i: replace(e, context=None) for i, e in registry.entries.items()},
                    registry.info)


def _report(paths, catalogue, registry, report, now, progress, writer):
    """Read and check everything; the report and the registry that would follow."""
    entries = _check(_read(paths, catalogue, report), catalogue, registry, report, now,
                     progress, writer)
    next_registry = _next_registry(registry, entries, report, now)
    report.published = sum(1 for _ in next_registry.published())
    return report, next_registry


def _check_vocabulary(catalogue: Catalogue, registry: Registry) -> None:
    """Broken vocabularies stop everything; skipped when they passed before unchanged."""
    if registry.info.get("context") == catalogue.context_hash:
        return
    violations = [p for p in catalogue.vocabulary_problems() if p.severity is Severity.VIOLATION]
    if violations:
        lines = "\n".join(str(p) for p in violations)
        raise CatalogueError(f"the vocabularies break {len(violations)} rules; "
                             f"nothing was read or published:\n{lines}")


def _read(paths, catalogue: Catalogue, report: IngestReport) -> Iterator[Record]:
    """Records as they are read; problems go straight to the report."""
    for item in read_sources(paths, catalogue.is_heading):
        if isinstance(item, Problem):
            report.problems.append(item)
            if _leaves_records_unread(item):
                report.unread[item.location.source_name] = item.location.file
        else:
            report.read += 1
            yield item


def _leaves_records_unread(problem: Problem) -> bool:
    """Whether a reader's problem (one not about a record it read) may hide records: the
    file, or a part of it, could not be read (UNREADABLE_FILE, a named file missing, a
    line that is not JSON, text with no fields), as opposed to a remark (a warning)."""
    return problem.rule == UNREADABLE_FILE or problem.severity is Severity.VIOLATION


def _check(records: Iterable[Record], catalogue, registry, report, now, progress,
           writer: GenerationWriter | None) -> dict[str, Entry]:
    """An Entry for each record that passed (or was published before and now fails);
    the triples of those checked this time go to ``writer``.

    Records stream from the reader to the worker processes: reading and hashing in
    this process overlap with checking in the others.
    """
    context = catalogue.context_hash
    entries: dict[str, Entry] = {}

    def needing_checks() -> Iterator[tuple[Record, str]]:
        seen: dict[str, SourceLocation] = {}  # not the Records: they go once checked
        for record in records:
            identifier = identify(record)
            if identifier is not None and _is_duplicate(record, identifier, seen, report):
                continue
            content = content_hash(record, catalogue.config.language)
            known = registry.entries.get(identifier) if identifier else None
            if known and known.published and known.content == content and \
                    known.context == context:
                entries[identifier] = _read_from(known, record)
                report.unchanged += 1
                report.passed += 1
                report.problems.extend(_cached_warnings(record, known))
            else:
                yield record, content

    for (record, content), outcome in _run_checks(needing_checks(), catalogue, progress):
        report.checked += 1
        report.passed += not outcome.rejected
        report.problems.extend(outcome.problems)
        entry = _entry_for(record, outcome, content, context, registry, now, report)
        if entry is not None:
            entries[entry.id] = entry
        if writer is not None and not outcome.rejected:
            writer.add(entry, outcome.nt, outcome.searchable)
    return entries


def _is_duplicate(record: Record, identifier: str, seen: dict, report: IngestReport) -> bool:
    first = seen.setdefault(identifier, record.location)
    if first is record.location:
        return False
    field_name = "id" if record.first("id") else "title"
    report.problems.append(Problem(
        record.where(field_name), identifier, field_name, record.first(field_name), "duplicate",
        f"same identifier as the record at {first} (same title and year, "
        "or the same id); this one is not published"))
    report.rejected += 1
    return True


def _entry_for(record: Record, outcome: Outcome, content, context, registry, now,
               report) -> Entry | None:
    known = registry.entries.get(outcome.id) if outcome.id else None
    if outcome.rejected:
        report.rejected += 1
        if known is not None and known.published:
            report.problems.append(Problem(
                outcome.problems[0].location, outcome.id, None, None, "kept-previous",
                "rejected, so the version published before stays published",
                Severity.WARNING))
            return _read_from(known, record)
        return None
    triples = hashlib.sha1(outcome.nt.encode("utf-8")).hexdigest()
    unchanged = known is not None and known.published and known.triples == triples
    return Entry(
        id=outcome.id, content=content, context=context, triples=triples, title=outcome.title,
        first_published=known.first_published if known else now,
        modified=known.modified if unchanged else now,
        warnings=[[p.field, p.value, p.rule, p.message] for p in outcome.problems],
        source=record.location.source_name,
    )


def _read_from(entry: Entry, record: Record) -> Entry:
    """The entry, naming the file its record was read from this time (the very entry
    when that is already so: the registry then need not write it again)."""
    source = record.location.source_name
    return entry if entry.source == source else replace(entry, source=source)


def _next_registry(registry: Registry, entries: dict[str, Entry], report, now) -> Registry:
    """This ingest's entries; earlier ones that are gone become (or stay) withdrawn,
    but only from files read whole: those of a file that could not be read this time,
    or not all of it, stay as they were."""
    result = dict(entries)
    kept: Counter[str | None] = Counter()
    for identifier, known in registry.entries.items():
        if identifier in result or known.withdrawn:
            result.setdefault(identifier, known)
        elif _in_unread_file(known, report):
            kept[known.source] += 1
            result[identifier] = known
        else:
            report.withdrawn.append(identifier)
            result[identifier] = replace(known, withdrawn=now)
    report.problems.extend(_kept_problems(kept, report.unread))
    return Registry(result)


def _in_unread_file(entry: Entry, report: IngestReport) -> bool:
    """Whether the record may be in what could not be read: when its file is not
    recorded (registries from before), any file not read whole may be the one."""
    return entry.source in report.unread or (entry.source is None and bool(report.unread))


def _kept_problems(kept: Counter, unread: dict[str, str]) -> list[Problem]:
    def warning(file: str, message: str) -> Problem:
        return Problem(SourceLocation(file, 0), None, None, None, "kept-previous", message,
                       Severity.WARNING)

    problems = [warning(file, f"the file could not be read, or not all of it, so the "
                              f"{kept[name]} records published from it before that were not "
                              "read stay published as they were")
                for name, file in unread.items() if kept[name]]
    if kept[None]:
        problems.append(warning(next(iter(unread.values())),
                                f"{kept[None]} records published before ctlib recorded "
                                "their files stay published as they were: any of them may "
                                "be in a file that could not be read"))
    return problems


def _cached_warnings(record: Record, known: Entry) -> list[Problem]:
    return [Problem(record.where(field_name) if field_name else record.location, known.id,
                    field_name, value, rule, message, Severity.WARNING)
            for field_name, value, rule, message in known.warnings]


def _run_checks(items: Iterator[tuple[Record, str]], catalogue: Catalogue,
                progress: bool) -> Iterator[tuple[tuple[Record, str], Outcome]]:
    """Each item with its Outcome, in order; batches go to a pool when there are several."""
    batches = _batched(items, catalogue.config.batch_size)
    first = next(batches, None)
    second = next(batches, None)
    if first is None:
        return
    bar = _progress(progress)
    try:
        if second is None or catalogue.config.workers == 1:
            checker = catalogue.checker()
            for batch in itertools.chain([first], [second] if second else [], batches):
                yield from zip(batch, checker.check([record for record, _ in batch]))
                bar.update(len(batch))
        else:
            for batch, outcomes in _in_pool(itertools.chain([first, second], batches),
                                            catalogue):
                yield from zip(batch, outcomes)
                bar.update(len(batch))
    finally:
        bar.close()


def _in_pool(batches: Iterator[list], catalogue: Catalogue
             ) -> Iterator[tuple[list, list[Outcome]]]:
    """Batches checked by worker processes, at most two per worker in flight."""
    pending: deque = deque()
    workers = catalogue.config.workers
    with ProcessPoolExecutor(workers, initializer=_init_worker,
                             initargs=(catalogue,)) as pool:
        try:
            for batch in batches:
                pending.append((batch, pool.submit(_check_in_worker,
                                                   [record for record, _ in batch])))
                if len(pending) >= 2 * workers:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            pool.shutdown(cancel_futures=True)


def _batched(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(itertools.islice(items, size)):
        yield batch


_worker_checker: Checker | None = None


def _init_worker(catalogue: Catalogue) -> None:
    global _worker_checker
    _worker_checker = catalogue.checker()
    gc.set_threshold(*WORKER_THRESHOLDS)
    # The checker (vocabularies, shapes) lives as long as the worker: out of the
    # collector's sight, it is not walked by every full collection. Collecting took a
    # quarter of checking time before, an eighth after.
    gc.freeze()


def _check_in_worker(batch: list[Record]) -> list[Outcome]:
    return _worker_checker.check(batch)


def _progress(enabled: bool):
    from tqdm import tqdm
    return tqdm(unit="rec", desc="checking", delay=1.0, file=sys.stderr, disable=not enabled)


def content_hash(record: Record, language: str) -> str:
    """What the record says, wherever it sits in its file: unchanged hash, unchanged record.

    Every part is prefixed with its length, so no two records give the same text; this
    is 40% faster than hashing the repr() of the same parts, which escapes every string."""
    parts = [record.location.source_name, language]
    for name, values in record.fingerprint():
        parts += (name, str(len(values)), *values)
    for problem in record.problems:
        parts += (problem.rule, problem.message)
    text = "".join(f"{len(part)}:{part}" for part in parts)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
