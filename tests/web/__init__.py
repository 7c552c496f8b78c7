"""Tests of the web app's pages (server-rendered, through the test client)."""
