"""接口 (JSON API): the one NinjaAPI at ``/api/``, its bearer tokens and the token page."""
