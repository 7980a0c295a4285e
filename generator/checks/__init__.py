"""Stage 3b: checks that need more than the documents themselves.

    recordings  clips against their recordings' real lengths (asks the audio cache)
    insights    coverage gaps and stale stories, on the linked library
    docs        hand-written docs/*.md: front matter and links into the site

They run after validation (`load` calls the first two, `build.run` the last),
so validate/ checks each document on its own and imports none of the
library, the audio stage or the analyses.
"""
