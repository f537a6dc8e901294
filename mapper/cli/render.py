"""``mapper render``: draw a briefing as an interactive HTML map."""

import click

from mapper.cli.options import data_dir_of, log, overwrite_option, reports_errors


@click.command()
@click.argument("briefing", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="HTML file to write [default: outputs/BRIEFING-NAME.html].")
@click.option("--open", "open_after", is_flag=True, help="Open the map in the default browser.")
@overwrite_option
@click.pass_context
@reports_errors
def render(ctx, briefing, output, open_after, overwrite):
    """Render BRIEFING (a TOML file) to an HTML map; default: the Iran–Russia briefing.

    \b
    Example:
        mapper render                         # outputs/iran-russia.html
        mapper render my-briefing.toml -o map.html --overwrite
    """
    from mapper.render import render_briefing

    result = render_briefing(briefing, output, data_dir=data_dir_of(ctx), overwrite=overwrite)
    features = sum(result.feature_counts.values())
    log.info("wrote %s (%s bytes, %d features)", result.path, f"{result.size_bytes:,}", features)
    if open_after:
        click.launch(str(result.path))
