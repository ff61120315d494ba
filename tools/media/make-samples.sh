#!/usr/bin/env bash
# Makes the short synthetic clips the videos service's tests and `npm start` upload.
# Synthetic sources (lavfi testsrc2/smptebars + a sine tone) keep them free of any licence and
# small enough to commit; the two MP4s differ in where the moov box sits so the streaming probe is
# exercised both ways (faststart: moov before mdat; default: moov after mdat, at the end).
# Requires ffmpeg with libx264, aac, libvpx-vp9 and libopus (Debian: apt-get install -y ffmpeg).
set -euo pipefail

out_dir="${1:-$(dirname "$0")/samples}"
mkdir -p "$out_dir"
command -v ffmpeg >/dev/null || { echo "ffmpeg not found (apt-get install -y ffmpeg)" >&2; exit 1; }

# Bit-exact flags and no global metadata so re-running gives files that differ as little as the
# encoders allow (x264 still writes its version into an SEI).
common=(-hide_banner -loglevel error -y)
# Output options: no global metadata (encoder tags, creation times).
out_opts=(-fflags +bitexact -map_metadata -1)

# 4 s of SMPTE bars with a 440 Hz tone, H.264 + AAC, moov first (-movflags +faststart).
ffmpeg "${common[@]}" \
  -f lavfi -i "smptebars=size=320x180:rate=24:duration=4" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=4" \
  -c:v libx264 -profile:v main -preset veryfast -pix_fmt yuv420p -b:v 200k \
  -c:a aac -b:a 64k -ac 2 -flags:v +bitexact -flags:a +bitexact \
  -movflags +faststart -shortest "${out_opts[@]}" \
  "$out_dir/bars-faststart.mp4"

# 3 s of testsrc2 with an 880 Hz tone, H.264 + AAC, moov after mdat (ffmpeg's default layout).
ffmpeg "${common[@]}" \
  -f lavfi -i "testsrc2=size=320x240:rate=25:duration=3" \
  -f lavfi -i "sine=frequency=880:sample_rate=48000:duration=3" \
  -c:v libx264 -profile:v main -preset veryfast -pix_fmt yuv420p -b:v 200k \
  -c:a aac -b:a 64k -ac 2 -flags:v +bitexact -flags:a +bitexact \
  -shortest "${out_opts[@]}" \
  "$out_dir/testsrc-moov-at-end.mp4"

# 3 s of testsrc2 with a 660 Hz tone, VP9 + Opus in WebM.
ffmpeg "${common[@]}" \
  -f lavfi -i "testsrc2=size=320x240:rate=25:duration=3" \
  -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=3" \
  -c:v libvpx-vp9 -b:v 200k -deadline realtime -cpu-used 8 -row-mt 1 \
  -c:a libopus -b:a 64k -ac 2 -flags:v +bitexact -flags:a +bitexact \
  -shortest "${out_opts[@]}" \
  "$out_dir/testsrc.webm"

for file in "$out_dir"/*.mp4 "$out_dir"/*.webm; do
  size=$(stat -c %s "$file")
  duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$file")
  echo "$(basename "$file"): ${size} bytes, ${duration} s"
done
