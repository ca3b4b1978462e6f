"""Tests of fapiao.web.events."""
