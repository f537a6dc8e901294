"""``mapper verify``: check the articles' distance and direction claims."""

import click

from mapper.cli.options import briefing_option, data_dir_of, echo_json, json_option, reports_errors, say


def _bounds(check):
    low, high = check.tolerance_pct
    return f"{low:+g} % to {high:+g} %".replace("-inf %", "any").replace("+inf %", "any")


def _lines(check, sources):
    source = sources.get(check.source, {})
    yield f"{check.id}: {check.verdict.upper()}"
    yield f"  {check.summary}"
    yield (f"  difference: {check.difference:+,.2f} {check.computed_unit} ({check.relative_difference_pct:+.2f} %), "
           f"allowed {_bounds(check)}")
    yield f"  quote: “{check.quote}” ({source.get('outlet', check.source)}, {source.get('date_printed', '')})"


@click.command()
@json_option
@click.option("--strict", is_flag=True, help="Exit 1 if any claim fails.")
@briefing_option
@click.pass_context
@reports_errors
def verify(ctx, as_json, strict, briefing):
    """Check every claim of distance and direction in the geodata against WGS84 geodesy.

    For each claim: the stated figure and the computed one, their difference,
    whether the stated direction holds ("east" = initial azimuth 45–135°),
    and a verdict under the tolerance its wording implies ("about" ±10 %,
    a bare figure ±2 %), with the quote checked.

    \b
    Example:
        mapper verify
        mapper verify --json | jq '.[] | {id, verdict, relative_difference_pct}'
        mapper verify --strict      # exit 1 if a claim fails (for scripts and CI)
    """
    from mapper import api  # here, not at the top: --help loads no library code

    checks, sources = api.verify(data_dir_of(ctx), briefing)
    if as_json:
        echo_json([check.as_dict() for check in checks])
    else:
        for n, check in enumerate(checks):
            if n:
                say("")
            for line in _lines(check, sources):
                say(line)
    failed = [check.id for check in checks if check.verdict != "holds"]
    if strict and failed:
        raise click.ClickException(f"{len(failed)} of {len(checks)} claims fail: {', '.join(failed)}")
