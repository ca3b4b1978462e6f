"""Tests of fapiao.web.companies."""
