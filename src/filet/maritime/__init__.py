"""Maritime surveillance: detectors over AIS positions (``ais_positions``)."""
