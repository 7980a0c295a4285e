#!/usr/bin/env bash
# make_sample_audio.sh - synthesize the sample win-loss interview recordings
# that live in content/audio/ and are quoted by clips in content/stories/.
#
# Each recording is a short two-voice interview: an interviewer (one espeak-ng
# voice) alternating with a buyer (a second voice, different per recording).
# Every utterance is synthesized separately, converted to raw 22050 Hz mono
# PCM, and laid end to end. Each utterance after the first starts on a whole
# second, at least GAP_MS after the previous one ends, so a clip that quotes
# one buyer utterance can use start = that second and end = the next whole
# second after the utterance ends, without cutting into a neighbour. The
# result is encoded to mono MP3, 32 kbit/s, 22050 Hz.
#
# The script prints a table of utterance start/end times and the "m:ss" clip
# bounds to use in story front matter. If you edit a text below, re-run it
# and update the matching story's clip start/end and transcript (transcript
# must equal the utterance text exactly).
#
# Requires: espeak-ng, ffmpeg (with libmp3lame) and ffprobe.
#   apt-get update && apt-get install -y espeak-ng ffmpeg
#
# Deterministic and re-runnable: same inputs and tool versions give the same
# files; existing recordings are overwritten.
#
# Usage: scripts/make_sample_audio.sh [output-dir]   (default: content/audio)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/content/audio}"
SR=22050          # sample rate of the output (and of espeak-ng's own output)
SPEED=160         # words per minute
GAP_MS=400        # minimum silence between utterances
TAIL_MS=700       # silence at the end of each recording
INTERVIEWER_VOICE="en-us+m3"

for tool in espeak-ng ffmpeg ffprobe; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "error: $tool not found (apt-get install -y espeak-ng ffmpeg)" >&2
    exit 1
  }
done

mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# m:ss from a whole number of seconds
mss() { printf '%d:%02d' $(( $1 / 60 )) $(( $1 % 60 )); }
# seconds with two decimals from a sample count
secs() { awk -v n="$1" -v sr="$SR" 'BEGIN { printf "%.2f", n / sr }'; }

# append N samples of silence to file $2
silence() {
  local n="$1" file="$2"
  if (( n > 0 )); then head -c $(( n * 2 )) /dev/zero >>"$file"; fi
}

# render NAME BUYER_VOICE < script
# script lines: "I|text" (interviewer) or "B|text" (buyer); blank lines and
# lines starting with # are ignored.
render() {
  local name="$1" buyer_voice="$2"
  local raw="$WORK/$name.raw" cursor=0 idx=0
  local gap=$(( SR * GAP_MS / 1000 ))
  : >"$raw"
  printf '\n== %s (interviewer %s, buyer %s)\n' "$name.mp3" "$INTERVIEWER_VOICE" "$buyer_voice"
  printf '%-3s %-4s %8s %8s  %-11s %s\n' '#' 'who' 'start' 'end' 'clip' 'text'
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == \#* ]] && continue
    local who="${line%%|*}" text="${line#*|}" voice
    case "$who" in
      I) voice="$INTERVIEWER_VOICE" ;;
      B) voice="$buyer_voice" ;;
      *) echo "error: bad speaker in: $line" >&2; exit 1 ;;
    esac
    idx=$(( idx + 1 ))
    local wav="$WORK/u$idx.wav" pcm="$WORK/u$idx.raw"
    espeak-ng -v "$voice" -s "$SPEED" -w "$wav" -- "$text"
    # measure the utterance (ffprobe) and normalise it to raw s16le mono
    local dur
    dur="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$wav")"
    ffmpeg -nostdin -v error -y -i "$wav" -ac 1 -ar "$SR" -f s16le "$pcm"
    local n=$(( $(stat -c %s "$pcm") / 2 ))
    # start on a whole second, at least GAP_MS after the previous utterance
    local start=0
    if (( cursor > 0 )); then
      start=$(( (cursor + gap + SR - 1) / SR * SR ))
    fi
    silence $(( start - cursor )) "$raw"
    cat "$pcm" >>"$raw"
    cursor=$(( start + n ))
    local clip_start=$(( start / SR )) clip_end=$(( (cursor + SR - 1) / SR ))
    printf '%-3s %-4s %8s %8s  %-11s %s\n' "$idx" "$who" "$(secs "$start")" \
      "$(secs "$cursor")" "$(mss "$clip_start")-$(mss "$clip_end")" "${text:0:60}"
    : "$dur"
  done
  silence $(( SR * TAIL_MS / 1000 )) "$raw"
  ffmpeg -nostdin -v error -y -f s16le -ar "$SR" -ac 1 -i "$raw" \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
    -codec:a libmp3lame -b:a 32k -ar "$SR" -ac 1 "$OUT/$name.mp3"
  printf 'total %ss, %s bytes\n' \
    "$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$OUT/$name.mp3")" \
    "$(stat -c %s "$OUT/$name.mp3")"
}

# --- 1. IT security lead, lost to Globex (stories: globex-security-review-came-too-late,
#        globex-trust-package-before-we-asked). Buyer line 2 must span 0:04-0:17.
render globex-security-lead-interview "en-gb+f3" <<'EOF'
I|When did you first hear about this evaluation?
B|Week nine. Finance had already picked a favourite and booked a kickoff date. Then a ninety question questionnaire landed on my desk with a two week deadline, and nobody from Ledgerline had spoken to my team once.
I|What did you find once you had the questionnaire?
B|No single sign-on on the standard tier, and the bank detail change workflow had no second approver. Both were blockers for us. Fixable, maybe, but not in two weeks.
I|How did Globex compare?
B|Globex's rep emailed me directly in their first week. Their SOC 2 Type Two report, a pen test summary, and our own questionnaire, pre-filled from their trust portal. By the time finance asked me, I had already cleared them.
I|If Ledgerline had come to you in week one, would it have changed the result?
B|Probably. Our controller liked your approval flows better. But I can't sign off on a vendor I meet in the last fortnight of a quarter.
EOF

# --- 2. Controller, lost to Northwind on price (stories: northwind-undercut-by-forty-percent,
#        northwind-discounts-chased-not-value).
render northwind-controller-price-interview "en-us+f4" <<'EOF'
I|Walk me through the final decision.
B|On paper you were both fine. Northwind came in at thirty one thousand a year, Ledgerline at fifty two. Nobody on your side ever showed me what the extra twenty one thousand bought us, so my CFO asked why we would pay forty percent more for the same thing.
I|Did the Ledgerline rep respond to the price gap?
B|He dropped the price twice in one week. First ten percent, then another eight on the Friday. Honestly, that made it worse. It told me the first number was padded, and I stopped trusting the rest of the proposal.
I|Was there anything you wish you had seen?
B|The duplicate payment check. We lost about forty thousand dollars to duplicates last year. If someone had put that next to the price, it would have been a different conversation.
I|Thank you, that's really useful.
EOF

# --- 3. CFO, won against Umbrella (story: cfo-met-in-week-two).
render cfo-early-access-interview "en-gb-x-rp+m3" <<'EOF'
I|What made Ledgerline stand out early?
B|The rep asked our controller for fifteen minutes with me in the second week. Not a pitch. She wanted to know what the board was asking me about, and it was days payable outstanding and late payment fees.
I|What did she do with that?
B|She came back with a one page model built on our own numbers. Eighty four thousand in late fees last year, and six days of every close spent chasing approvals. Umbrella sent us a generic ROI calculator.
I|And the final decision?
B|I had signed off on the business case before procurement ever saw a price. That is the order I want it in.
I|Thanks. That's everything I needed.
EOF

# --- 4. VP Finance who inherited a stalled evaluation (story: champion-left-deal-stalled).
render champion-left-interview "en-us+f2" <<'EOF'
I|Where did things stand when the evaluation stopped?
B|Priya, our AP manager, ran the whole thing. She left for another company in March, and when I opened the folder there was a proposal, a demo recording, and no one from Ledgerline who had ever spoken to me.
I|Did the Ledgerline team reach out after she left?
B|The rep emailed Priya's old address twice. By the time he found me it was five weeks later and we were in budget season. I had no business case I could defend, so it went on the shelf.
I|What would have kept it alive?
B|One meeting with me or our controller before the demo. Just knowing who else cared about it.
EOF

# --- 5. IT security lead, won against Initech (story: security-questionnaire-sent-week-one).
render security-week-one-interview "en-gb-scotland+m2" <<'EOF'
I|How did the security review go with Ledgerline?
B|It was the easiest review I did all year. In the first week the rep sent the SOC 2 report and the pen test letter, and asked for our vendor questionnaire before we had even scheduled a demo.
I|Did that affect the outcome?
B|Yes. We finished the review in eleven days, running alongside the evaluation. Initech's review was still open when finance made the call, so they simply weren't eligible.
I|Anything they could have done better?
B|Send the data flow diagram up front. I had to ask for it.
I|Good to know. Thank you.
EOF

# --- 6. VP Finance, won against Globex (story: globex-intacct-dimensions-trap).
render vp-finance-globex-interview "en-us+m1" <<'EOF'
I|Why Ledgerline over Globex?
B|Your rep told us to ask Globex one thing. Show a bill syncing to Sage Intacct with our department and location dimensions. Globex's answer was a nightly CSV export. That ended it.
I|How did implementation factor in?
B|Ledgerline gave us a six week plan with a name on every task. My AP lead could see exactly which three afternoons she would lose. Globex said about a quarter, depending.
I|Who else was involved in the decision?
B|Our controller and the Intacct admin sat in on the second demo, because your rep asked for them by name. They were the ones who pushed hardest for you in the end.
I|Anything else?
B|Price was close enough that it never came up after that.
EOF
