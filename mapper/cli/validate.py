"""``mapper validate``: check a geodata folder or a briefing, one line per problem."""

import os

import click

from mapper.cli.options import briefing_option, data_dir_of, log, reports_errors, say


@click.command()
@click.argument("target", required=False, type=click.Path(path_type=str))
@briefing_option
@click.pass_context
@reports_errors
def validate(ctx, target, briefing):
    """Check TARGET: a geodata folder (default: the one in use) and its briefings, or one briefing (a .toml file).

    Prints one line per fault (FILE: FEATURE-ID: FIELD: PROBLEM, or
    BRIEFING:LINE: KEY: PROBLEM) and exits 1 if there is any.  Quotes are
    checked word for word against each source's saved text; a source
    without one is listed as not checked.

    \b
    Example:
        mapper validate
        mapper validate my-briefing.toml
        mapper validate ~/my-briefing-data
    """
    from mapper import api  # here, not at the top: --help loads no library code

    if target is not None and briefing is not None:
        raise click.UsageError("give TARGET or --briefing, not both")
    if target is not None and not os.path.isdir(target) and target.lower().endswith(".toml"):
        target, briefing = None, target
    report = api.validate(target or data_dir_of(ctx), briefing) if briefing is None else \
        api.validate(data_dir_of(ctx), briefing)
    for problem in report.problems:
        say(str(problem))
    if report.unchecked_sources:
        log.warning("note: quotes not checked (no saved text) for: %s", ", ".join(report.unchecked_sources))
    elif not report.quotes_checked and not report.problems:
        log.warning("note: seed articles not found; quotes were not checked (set MAPPER_ARTICLES_DIR)")
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} problem(s) in {report.data_dir}")
    if briefing is not None:
        log.info("%s: no problems", report.data_dir)
    else:
        log.info("%s: no problems (%d files, %d briefings)", report.data_dir, report.file_count,
                 report.briefing_count)
