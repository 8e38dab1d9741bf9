"""The shipped scenes; installed as race.configs so they are found by name from any folder."""
