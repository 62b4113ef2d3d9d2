"""Command line: thin commands over the plain functions of ctlib.

Exit codes: 0 clean; 1 some records rejected (the rest were published); 2 error
(nothing was changed).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from .catalogue import Catalogue, CatalogueError
from .config import SETTINGS, load_config
from .ingest import IngestReport, NotPublished, ingest
from .store import NoCatalogue, StoreUnavailable, reason

EXIT_CODES = "Exit codes: 0 clean; 1 some records rejected; 2 error, nothing changed."


def _catalogue() -> Catalogue:
    try:
        return Catalogue(load_config())
    except ValueError as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def _failing_clearly() -> Iterator[None]:
    """The errors ctlib expects (bad input, nothing published yet, the store's server
    down, a data directory that cannot be read or written) as one line on stderr and
    their exit code, never a traceback."""
    try:
        yield
    except CatalogueError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except (NoCatalogue, StoreUnavailable) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except (OSError, sqlite3.Error) as error:  # a file of the catalogue's, or an output
        click.echo(f"error: {reason(error)}", err=True)
        sys.exit(2)


def _settings_help() -> str:
    return "\n".join(f"  {s.env_var:<24} {s.help} (default: {_as_written(s.default)})"
                     for s in SETTINGS)


def _as_written(default) -> str:
    """A default as its environment variable would be written (a list: en,fr,es)."""
    return ",".join(default) if isinstance(default, tuple) else str(default)


@click.group(epilog=EXIT_CODES)
@click.version_option(package_name="ctlib")
def main() -> None:
    """ctlib: the Counter-Trafficking Resource Library as validated linked data.

    Settings come from CTLIB_* environment variables; see `ctlib settings`.
    """


def _checking_options(command):
    """What ingest and validate share: they check alike and refuse alike."""
    command = click.option(
        "--allow-withdrawals", is_flag=True,
        help="Withdraw however many records are gone from the sources (without it, more "
             "than CTLIB_WITHDRAWAL_LIMIT of the published ones stops the run).")(command)
    command = click.option("--quiet", "-q", is_flag=True,
                           help="Print the summary only, not each problem.")(command)
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path))(command)


@main.command("ingest", epilog=EXIT_CODES)
@_checking_options
def ingest_command(paths: tuple[Path, ...], quiet: bool, allow_withdrawals: bool) -> None:
    """Read, map, validate and publish the records in PATHS (default: the source dir)."""
    _run_checks(paths, quiet, allow_withdrawals, publish=True)


@main.command(epilog=EXIT_CODES)
@_checking_options
def validate(paths: tuple[Path, ...], quiet: bool, allow_withdrawals: bool) -> None:
    """Check the records in PATHS as ingest would, without touching the store."""
    _run_checks(paths, quiet, allow_withdrawals, publish=False)


def _run_checks(paths: tuple[Path, ...], quiet: bool, allow_withdrawals: bool,
                publish: bool) -> None:
    catalogue = _catalogue()
    sources = list(paths) or [catalogue.config.source_dir]
    with _failing_clearly():
        try:
            report = ingest(sources, catalogue, publish=publish, progress=sys.stderr.isatty(),
                            allow_withdrawals=allow_withdrawals)
        except NotPublished as refusal:  # the problems say why, the error what it means
            _print_problems(refusal.report, quiet)
            raise
    _print_problems(report, quiet)
    click.echo(_summary(report, publish), err=True)
    sys.exit(report.exit_code)


def _print_problems(report: IngestReport, quiet: bool) -> None:
    if not quiet:
        for problem in report.problems:
            click.echo(str(problem))


def _summary(report: IngestReport, published: bool) -> str:
    violations = len(report.violations)
    warnings = len(report.problems) - violations
    verb = "published" if published else "would publish"
    parts = [f"{report.read} records read", f"{report.checked} checked",
             f"{report.unchanged} unchanged", f"{report.rejected} rejected",
             f"{violations} violations", f"{warnings} warnings",
             f"{len(report.withdrawn)} withdrawn", f"{verb} {report.published}"]
    if report.generation:
        parts.append(f"generation {report.generation}")
    return ", ".join(parts)


@main.command(epilog=EXIT_CODES)
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--graph", "graph", required=True, help="IRI of the named graph to load into.")
def load(files: tuple[Path, ...], graph: str) -> None:
    """Load RDF FILES (format from the extension) into the named graph --graph."""
    from .export import load as load_files
    with _failing_clearly():
        count = load_files(_catalogue(), list(files), graph)
    click.echo(f"<{graph}> now holds {count} triples", err=True)


@main.command(epilog=EXIT_CODES)
@click.option("--format", "format_name", type=click.Choice(["nt", "ttl", "jsonld", "nq"]),
              default="nq", show_default=True, help="nq keeps the named graphs; others merge them.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
def export(format_name: str, output: Path | None) -> None:
    """Write the whole published catalogue."""
    from .export import export as export_store
    with _failing_clearly():
        if output is None:
            export_store(_catalogue(), format_name, sys.stdout.buffer)
        else:
            with open(output, "wb") as out:
                export_store(_catalogue(), format_name, out)


@main.command(epilog=EXIT_CODES)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def stats(as_json: bool) -> None:
    """Counts of records, triples and concepts per scheme; the generation and last ingest."""
    from .stats import stats as catalogue_stats
    with _failing_clearly():
        numbers = catalogue_stats(_catalogue())
    if as_json:
        click.echo(json.dumps(numbers, indent=2))
        return
    for name, value in numbers.items():
        if isinstance(value, dict):
            click.echo(f"{name}:")
            for key, count in value.items():
                click.echo(f"  {key}  {count}")
        else:
            click.echo(f"{name}: {value}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1),
              help="Worker processes (each with its own representation cache).")
@click.option("--access-log/--no-access-log", default=False, show_default=True,
              help="Log every request to standard output (off: log at the reverse proxy; "
                   "it costs a worker about an eighth of its time).")
def serve(host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the published catalogue over HTTP with granian.

    Absolute URIs in responses come from CTLIB_BASE_URI, never from the request, so
    the service can sit behind a reverse proxy.
    """
    from .web.serve import serve as run_server
    run_server(_catalogue().config, host, port, workers, access_log)


@main.command()
def settings() -> None:
    """List every setting: environment variable, meaning, default."""
    click.echo(_settings_help())

if __name__ == "__main__":
    main()
