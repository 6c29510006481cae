-- The rule a projection's rows were computed with (engagement scores): a projection that
-- finds a different configured rule stops and asks for a rebuild, instead of mixing two.
ALTER TABLE projection_positions ADD COLUMN IF NOT EXISTS rule_version text;
