"""``mapper validate``: check a geodata folder, one line per problem."""

import click

from mapper.cli.options import data_dir_of, log, reports_errors, say


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=str))
@click.pass_context
@reports_errors
def validate(ctx, directory):
    """Check DIRECTORY (default: the geodata in use) and its briefings.

    Prints FILE: FEATURE-ID: FIELD: PROBLEM for each fault and exits 1 if
    there is any.  Quotes are checked word for word against the seed
    articles when their folder is found (see MAPPER_ARTICLES_DIR).

    \b
    Example:
        mapper validate
        mapper validate ~/my-briefing-data
    """
    from mapper import api  # here, not at the top: --help loads no library code

    report = api.validate(directory or data_dir_of(ctx))
    for problem in report.problems:
        say(str(problem))
    if not report.quotes_checked:
        log.warning("note: seed articles not found; quotes were not checked (set MAPPER_ARTICLES_DIR)")
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} problem(s) in {report.data_dir}")
    log.info("%s: no problems (%d files, %d briefings)", report.data_dir, report.file_count, report.briefing_count)
