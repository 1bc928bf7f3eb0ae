"""hatch-cognite-pygen: a hatchling build hook that generates a pygen SDK into the wheel."""
