"""Stage 3, for coaching leads: figures computed from the linked library.

    agreement    pairwise agreement and Krippendorff's alpha (nominal, ordinal, interval)
    calibration  a calibration session's figures and status per criterion
    insights     coverage, trends by quarter, gaps and stale stories
"""
