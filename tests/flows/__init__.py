"""Tests of the Prefect flows against a temporary Prefect API and real databases."""
