"""ActivityPub publishing: one actor per language, signed deliveries, a verifying inbox."""
