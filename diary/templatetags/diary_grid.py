"""``{% diary_grid_rows rows actions %}``: the diary grid's body, built by ``diary.grid_html``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from diary import grid_html

register = template.Library()


@register.simple_tag
def diary_grid_rows(rows, actions=False) -> SafeString:
    """Every row of the grid (``actions``: each booking's move and cancel links)."""
    return grid_html.rows_html(rows, actions=bool(actions))
