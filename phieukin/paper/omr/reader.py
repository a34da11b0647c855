"""Read one scanned or photographed ballot page.

Steps: find the four ArUco corner markers (three are enough), fit a homography from
page millimetres to image pixels, read the QR at its fixed place, get the page's layout
from the caller, resample the page to a canonical raster, and measure every checkbox.

Each box is measured against the paper brightness around it (so shadows and uneven
lighting do not look like ink): ``dark`` is the share of clearly inked pixels inside the
box (the printed border and a registration margin excluded), ``faint`` the share of
pixels that are merely darker than paper (pencil), ``ring`` the share of inked pixels in
a band just outside the box (circles, marks beside the box). An item is ``marked`` only
when exactly one box is clearly marked and every other box is clearly empty; everything
in between is ``ambiguous`` with a reason, for a human to decide. Nothing is guessed.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

import cv2
import numpy as np
import zxingcpp

from phieukin.paper.layout import (
    MARKER_IDS,
    PAGE_H,
    PAGE_W,
    QR_SEARCH,
    BallotLayout,
    ItemLayout,
    PageLayout,
    Rect,
    marker_rects,
)
from phieukin.paper.omr.types import (
    ItemReading,
    PageReading,
    PageRefused,
    SheetId,
    parse_sheet_id,
)

SCALE = 6.0  # canonical raster, pixels per millimetre (~152 dpi)
QR_SCALE = 10.0
DETECT_LONG_SIDE = 1000  # markers are looked for on a reduced copy first
CORNER_SHARE = 0.3  # ... and first in its corners: markers sit within 7–19 mm of the edges
MIN_PX_PER_MM = 5.3  # ~135 dpi: asked for 150 dpi, a little lost to skew and margins
BILEVEL_LOW, BILEVEL_HIGH = 24, 232
MARKER_INK = 0.7  # a last look for markers: darker than this share of paper is ink ...
MARKER_PAD_PX = 16  # ... with this much paper added round the (reduced) image
BILEVEL_SHARE = 0.004  # fewer grey pixels than this: a 1-bit image
MIN_CONTRAST = 0.45  # (paper - marker black) / paper

# Pixel classes, relative to the local paper brightness.
FAINT = 0.88  # darker than 88 % of paper: the printed border is there

# Boxes. Depth = 1 - brightness / local paper, after a blur of BLUR_PX pixels.
INSET_MM = 0.6  # the printed border (0.3 mm) and its blur stay out of the interior
SEARCH_MM = 1.2  # how far a row's boxes may sit from where the homography puts them
BOX_SEARCH_MM = 0.6  # ... and each box from where its row puts it
BORDER_OFF_PX = 2  # a side's printed line this far (px) from its edge: the edge is moved
BORDER_OFF_DROP = 0.1  # ... when the line stands this much above the profile 3 px either side
LINE = 0.7  # printed lines are at least this much darker than paper
BLUR_PX = 1.4
MIN_PAPER = 40
PEAK_RANK = 5  # robust peak: the 6th darkest pixel
CALIBRATION_Q = 25  # percentile of the page's box peaks taken as "empty" (see calibrate)
CALIBRATION_CAP = 0.12
CALIBRATION_FLOOR = 0.01
NARROWEST_MARGIN = 0.025  # trace margin on the cleanest page ...
SPREAD_SIGMAS = 5.0  # ... else this many times its empty boxes' spread
TRACE_MARGIN = 0.04  # darker than the page's empty boxes by this much: a trace
LOCAL_SIGMAS = 5.0  # a trace stands this many of the box's own noise above its median
LOCAL_CAP = 0.04
# The box's noise is the band's spread below its median (down to its 16th percentile);
# when that is more than NOISE_SKEW times the spread above it (up to the 84th), the
# latter, so widened, is taken instead: a circle drawn close round a 200 dpi phone photo's
# box raised the halo of its sides, the halo taken out left the band's lowest pixels
# 0.24 under paper, and its "noise" of 0.025 (0.005 above the median) hid the circle.
NOISE_SKEW = 2.0
TRACE_PX = 8  # pixels (0.22 mm²) of trace a clearly empty box may hold (noise, JPEG ringing)
MARK_CONTRAST = 0.14  # a mark's darkest part is this much darker than the box's median ...
DARK_MARK = 0.3  # ... or this much darker than the page's empty boxes (a filled box)
MARK_MASS = 0.1  # ... and it holds this much ink (mm² at full depth)
MARK_BODY_PX = 40  # a mark's body: its darkest 40 pixels (1.1 mm², a stroke's length) ...
MARK_BODY = 0.12  # ... stand on average this much above the box's median (ghost grains do not)
# MARK_BODY was 0.13. The second deck's grainy pencil ticks and crosses, plain in their
# crops, measured bodies of 0.117-0.129 and all went to a person as faint (seed 3415: 46
# of 441 pencil ticks). At 0.12, what an eraser leaves is still held by the film, rubbed-
# out and line tests below: on 1,500 pages drawn with erased marks, erased marks with a
# new mark and smudges only (seed 47) no reading changed; on 1,000 pages of those with
# light pencil, pencil ticks and crosses and blanks (seed 46) 19 marks were read as drawn
# instead of sent to a person (17 light pencil marks, 2 pencil crosses) and none wrongly.
# A light mark drawn as a plain line is read as drawn. A grainy pencil tick keeps little
# depth between its grains: its darkest pixels stand 0.10-0.16 over its box, its body
# (MARK_BODY) 0.09-0.13, and its mass can fall under MARK_MASS, so it failed one of those
# three limits and went to a person as faint (the second deck, seed 3419: 62 of 445
# pencil ticks, on clean 300 dpi scans as on phone photos). Along its line it is a line:
# the strongest straight segment (:func:`_stroke`) stands PLAIN_LINE over its flanks and
# at least PLAIN_LINE_SHARE of the mark's contrast (such ticks: 0.065-0.11 and 0.44-0.75).
# What an eraser leaves is a ghost of the same shape but shallower: of about 20,000 boxes
# that reached these tests holding an erased mark, a smudge, a correction or a blank's
# noise (first deck over every page style, seeds 51-54: 2,700 pages of erased marks with
# and without a new mark, smudges, corrections, stray strokes and blanks, 800 of every
# style), the strongest line was 0.057 (stray strokes reach 0.09 but at most 0.29 of
# their contrast, and are held by the ink-outside test). A mark so read still passes
# every test of a filled box (ink outside, shade, smear, erasure), then the row's. With
# the limits halfway to the erased marks (0.04 and 0.3), 15 erased marks of 600 pages
# were read as votes (seed 53): only the margin keeps them apart, so it is not to be
# narrowed.
PLAIN_LINE = 0.07
PLAIN_LINE_SHARE = 0.4
OUTSIDE_SHARE = 1.0  # more ink around a box than in it: a stroke from elsewhere
# A light mark (its darkest part less than LIGHT_CONTRAST above the box's median, not
# plainly dark) with at least LIGHT_OUTSIDE_SHARE as much ink around the box as in it lies
# across the box's border: a grey smear of graphite over a corner was read as a vote so
# (seed 4765, copy 10819: contrast 0.146, 0.79 as much ink outside; the border cut its
# patch, which then had no room for the smear's disc inside the box). Of 1,494 light
# marks read as marked in 1,000 copies of the product mix (seed 4808), 5 are so, all
# marks spilling into the next box, whose items go to a person anyway.
LIGHT_CONTRAST = 0.2
LIGHT_OUTSIDE_SHARE = 0.5
# A stroke is a line: the darker half of a light tick, cross or dot has room for a disc
# of radius 0.96 mm at most (1,450 light marks of pencil and ballpoint read as marked,
# blur included). A patch with room for a disc of this radius (mm) is a smear (graphite
# from a finger or a sleeve), not a stroke; a box filled in is plainly dark and never
# tested so.
SMUDGE_RADIUS_MM = 1.15
# A smaller patch is a smear too when it fills its convex hull: a stroke's darker half,
# however broad, is a line or an angle and leaves most of its hull empty. Seed 4783's
# copy 4021 counted as a vote a grey patch of 3 x 2.5 mm over part of a box (contrast
# 0.14, room for a disc of 1.11 mm). On light marks that reached this test in 2,700
# pages drawn with smears, pencil, ballpoint, dots and very light ticks (seeds 4821 and
# 4822): smears filled 0.93-0.99 of their hull; of 4,121 pencil ticks, those with room
# for a disc of 0.85 mm filled at most 0.674 of theirs (0.61-0.66 for the three of 2,000
# copies of the product mix, seed 4820).
SMUDGE_PATCH_RADIUS_MM = 0.85
SMUDGE_SOLIDITY = 0.85
# A smear can also lie across a side of the box: inside, only a thin band along that side
# is left, with no room for the disc, while the band around the box that would show the
# rest is cut to the item's row. Its darker half then runs along the whole side (seed
# 4779, copy 12315: a grey band over the top of a box, contrast 0.15, counted as a vote).
# A stroke crosses a side: of 1,242 light marks that reached this test on 700 copies of
# the mix drawn half with doubtful styles (seed 4816), pencil ticks ran along at most
# 0.56 of a side, and only marks spilling from the next box (which go to a person anyway)
# ran along more than SIDE_RUN of one; on 1,500 copies of the product mix (seed 4817),
# 2,191 light marks, none but such spills above 0.55.
SIDE_RUN = 0.8
# An eraser leaves a film of graphite over the whole box, under what is left of the
# strokes: the lightest tenth of the interior stays this much darker than the paper
# around the box. A light tick, cross, dot or dash leaves paper between its strokes (at
# most -0.0007 over 1,929 read as marked in three benchmark samples; an erased cross
# read as a vote, 0.017). Plainly dark marks are not tested: a dense cross at 150 dpi
# leaves little paper (up to 0.028).
ERASED_FLOOR = 0.01
# Near the printed border the film is taken for the border's halo and taken out with it,
# so a box with what is left of the strokes over it can keep the lightest tenth of its
# interior at paper. Inside the box, every side's median then stays darker than the
# page's sides by the film: at FILM_FROM_PX and more from the line, by more than
# ERASED_FILM on all four (light pencil marks read as marked, 2,019 in a sample of
# phone, shadow, crumpled and scanned pages: at most 0.015; erased marks read as votes:
# 0.018 and 0.037).
FILM_FROM_PX = 3
ERASED_FILM = 0.016
# Where the rubbed-out graphite spreads over the band around the box too, or a shadow
# darkens the page unevenly, neither test above sees the film. Two references for paper
# are still at hand: the lightest tenth of the band around the box (the eraser's smear
# reaches its inner part only) and the lightest tenth of the other boxes of the row. A
# light mark whose interior's lightest tenth stands more than ERASED_ABOVE_PAPER over
# their mean lies on a film. Erased crosses read as votes: 0.019-0.032 (seed 4785's
# copy 5253; three in 3,000 pages drawn with erased marks only, seed 4827; one in 1,200
# pages drawn with them among light pencil, seed 4828). One more, under a hand's shadow
# (seed 4825), stands 0.0075 and still reads as a vote. Light pencil marks with a body
# under ERASED_BODY: at most 0.0152 over 2,403 in 2,400 pages of light pencil, ticks and
# crosses (seeds 4828 and 4831); over 666 in 3,000 copies of the product mix (seeds 4829
# and 4832), at most 0.0133 but for a ballpoint tick on a crumpled page that the film
# test already sends to a person. Only light marks are tested so: what an eraser leaves
# has a body under 0.16 (0.131-0.155 over the 16 erased marks that reached this test in
# 6,000 pages drawn with erased marks only, seeds 4827 and 4830), and a dense stroke
# leaves little paper.
ERASED_ABOVE_PAPER = 0.017
ERASED_BODY = 0.16
# What an eraser leaves can pass every test above: ghost strokes as dark as a light
# pencil mark (0.14-0.18 over the box's median, a body of 0.130-0.163) on a film too thin
# to tell (seed 4856's full-size run; 5 of about 58,000 erased marks drawn on 5,300 pages,
# seeds 4858, 4860 and 4862). What they lack is a line: the strongest straight line in
# the box (see _stroke) is 0.21-0.29 of the mark's contrast, where a tick or a cross of
# pen, ballpoint or pencil keeps a crisp stroke (median 0.50). A mark under
# FAINT_LINE_CONTRAST and FAINT_LINE_BODY whose line is under FAINT_LINE_RATIO of its
# contrast goes to a person. Of 8,649 light marks read as marked in 3,700 pages of light
# pencil, pencil and ballpoint ticks and crosses, dots and dashes (seeds 4857, 4859 and
# 4861), 51 are so: light pencil marks and dots, styles a person may be asked about; no
# tick or cross. The ratio was 0.30 until a sample of erased marks (seed 54, 1,500 pages
# of erased marks with and without a new mark, about 15,000 items) counted one as a vote:
# a cross rubbed out on a 200 dpi phone photo, its line 0.31 of its contrast, its film
# lost in the photo's grain. A second sample (seed 56, 1,200 pages) held another at 0.31
# (a skewed 200 dpi page) and, beside a new mark, erased marks at 0.331 and 0.335 that
# only the new mark sent to a person (several marks). At 0.36 all go to a person. Cost:
# of 988 light marks under the contrast and body limits read as marked in 1,200 pages of
# light pencil, pencil, ballpoint, dots and dashes (seed 55), 226 more go to a person:
# 225 very light and light pencil marks and dashes and one ballpoint mark (no pencil or
# ballpoint tick or cross lies under 0.33). 300 copies of the product mix (seed 4905)
# sent two very light ticks more; 300 pages of the second deck (seed 3419) read as before.
FAINT_LINE_CONTRAST = 0.19
FAINT_LINE_BODY = 0.165
FAINT_LINE_RATIO = 0.36
# What an eraser leaves may stand just under the film test above (ERASED_ABOVE_PAPER) and
# the faint-line test (FAINT_LINE_RATIO) at once, where a light pencil mark rarely does: a
# crisp line, or paper between its strokes. A sample of erased marks only (seed 47, 1,500
# pages, 9,081 erased marks) counted an erased pencil cross on a show-through 300 dpi page
# as a vote (page 1072, c07): its film stood 0.0142 (0.017 asked), its line 0.309 of its
# contrast (under 0.30 asked then), body 0.1306, contrast 0.156. A light mark whose film
# passes ERASED_NEAR of the first limit and whose line stays under the second divided by
# it goes to a person as a faint mark (only a person tells it from a light one). On 800
# pages of erased marks, light pencil, pencil, ballpoint and blanks (seed 49, 7,363
# items) it sent one light pencil mark more to a person and changed nothing else; 500
# copies of the product mix (seed 4902) read as before.
ERASED_NEAR = 0.8
BLACKED_OUT = 0.55  # a box this dark looks scribbled over (a correction)
RING_IN_MM = 0.45
RING_OUT_MM = 2.6
SECTOR_PX = 3
CIRCLE_SECTORS = 5  # of 8 sectors of the ring holding ink (a row may clip the ring)
CIRCLE_DEPTH = 0.08  # a ring this much darker than empty surroundings
CIRCLE_OUTSIDE = 0.8  # ... and holds nearly as much ink around the box as in it, or more
# ... and leaves paper in every eighth of that band but one. A smooth shadow of a crumpled
# page's facet over a box's upper left corner (150 dpi, seed 4765) darkened three eighths
# to 0.097, 0.096 and 0.065 and the box was read as circled; the lower quartiles of the
# circles' eighths stay at most 0.07, and of 1,460 circles on nine page styles (seed
# 4793) none is read otherwise with this limit than with 0.1.
CIRCLE_PAPER = 0.085
# ... and CIRCLE_SECTORS of those eighths hold more of it than twice the row's other boxes
# there: a folded page's faint line below a row put trace in four eighths of every box's
# band, and a stray stroke ending on a box's corner added the fifth.
CIRCLE_OWN = 2.0
# ... and is a line, which stands out of the paper right beside it. A crumpled page's
# facet casts a smooth shadow that darkened five eighths of a box's band past the trace
# level, its lower quartiles under CIRCLE_PAPER (0.074, 0.05, 0.039; 300 dpi, seed 4766).
# With the band's smooth part taken out (a Gaussian of CIRCLE_DETREND_MM), what stands
# above CIRCLE_DETREND_LEVEL of the trace level still goes round 4,290 of 4,301 circles
# on nine page styles (seed 4797) in five eighths; that shadow, in three.
CIRCLE_DETREND_MM = 2.5
CIRCLE_DETREND_LEVEL = 0.5
# ... and is more than the printed border. On a crumpled page a side bends, and its line
# runs out into the band at a corner: with a speck further out, a blank box's band held
# trace in exactly CIRCLE_SECTORS eighths (150 dpi, seed 4767). Trace that hugs the box
# (a patch within CIRCLE_HUG_PX of the band's inner edge, touching it) is left out: a
# ring at the bare minimum of eighths that keeps no more than CIRCLE_HUG_LEFT round
# eighths without it is the border's. Of 4,301 circles (seed 4797), 6 are so.
CIRCLE_HUG_PX = 3
CIRCLE_HUG_LEFT = 2
# ... and passes beside the box: the row clips a ring above and below, never at the
# sides, so a circle's line leaves trace in the left or the right eighth (SIDE_EIGHTHS).
# A grey smear under a box and its band, with the ink of the row above (a smear, the
# circle round the box above) reaching down into the top of the band, went round five
# eighths with both sides bare and was counted as a vote (seed 4877, copy 7339; a phone
# photo of a smear sample, the same pattern). Of 13,453 circles of a circles-only sample
# on seven page styles (seed 11), one is so (a faint phone photo's): it goes to a person.
SIDE_EIGHTHS = (0, 4)
# ... and on each side: a line round the box crosses the level of the box's middle both
# left and right of it, in the band or over the box itself. A grey smear down the left
# of a box, with the smear of the row above reaching into the top of its band, went round
# five eighths with the left eighth inked and the whole right side bare, and was counted
# as a vote (a folded 300 dpi page of a smears sample, seed 16). Across the middle half of
# the box's height, each side (band and half-interior, the printed border and its blur
# left out) holds at least SECTOR_PX trace pixels for a circle. Of 3,577 circled items
# of 1,500 pages of circles, spills, double marks and corrections (seed 17, seven page
# styles), 7 more go to a person: their line runs along the printed border on one side.
OPEN_SIDE_ROWS = (0.25, 0.75)
# A wide oval drawn round a box crosses the level of its middle further out than the band
# reaches (RING_OUT_MM): the side looks open, yet the line runs out of the band at its
# outer edge both above and below the middle. A side whose trace reaches the outermost
# RUN_OUT_PX columns of the patch so, over SECTOR_PX pixels above and below, is crossed.
# The second deck (seed 3415) sent 7 of its first 300 pages' circles to a person as open
# on a side, 5 of them such ovals (their line 3-5 mm out at the box's middle).
RUN_OUT_PX = 4
# ... and is a line across the band, not ink running on beyond it along the row: trace
# beyond the band's outer edge at the side of the box over EDGE_COVER of the row's height
# is a hand's shadow or something else from outside the band. A grey smear under a box
# and down its left, with a hand's shadow over the band's right, went round six eighths
# and was counted as a vote (a 300 dpi hand-shadow page of a smears sample, seed 18): the
# shadow lay beyond the band on the right over 86 % of the row's height. A circle's line
# crosses there over a short arc: none of the 3,577 circled items of seed 17 is sent.
EDGE_COVER = 0.67
# ... and leaves no side of the box open over OPEN_ARC eighths of the turn: the row may
# clip a ring above and below, never at a side, so a run of that many bare eighths (under
# SECTOR_PX) that takes in the left or the right eighth is a line that does not go round.
# A flat grey smear over the lower left of a box and below it, with a crumple's line down
# the left, went round five eighths (left and below) with the top and the right bare, and
# was counted as a vote (a crumpled 300 dpi page of a sample of smears, strays and circles
# on shadow, crumpled, phone and folded pages, seed 25): the smear filled the interior's
# half next to the bare side, so the middle-crossing test saw that side crossed. Of 10,142
# circles read as circled in three 1,500-page samples (seeds 17, 21, 25), 24 go to a person
# (0.24 %): ovals whose line runs along the printed border on one side.
OPEN_ARC = 3
BORDER_PRESENT = 0.6  # share of a side's length where the printed border is seen
HALO_PX = 8  # how far (px) either side of a printed line its blur and JPEG ringing reach
HALO_SPREAD = 2.0  # a box's halo may exceed the page's median by twice its lower spread
HALO_SLACK = 0.02
# A phone's (or a scanning app's) sharpening rings every printed line with paper lighter
# than paper: on a box's patch that bright halo is a large share of the lightest pixels,
# so the paper level (the patch's 90th percentile) is the halo's, the paper beyond it reads
# as a grey of 0.05-0.1, and the halo spreads the band's depths as if the scan were noisy
# (0.09 where its grain is 0.007): every level of the box rises to its cap and a light
# pencil slash a person sees at a glance reads "empty". The second deck found it
# (bench/_second_deck.py, seed 3201: page 504, a light pencil slash on a sharpened phone
# photo stored as "no answer"). The signature is the profile across each box's printed
# line: paper 2-6 px from the line lighter than paper 7-8 px from it, on both sides of the
# line. Where the page's boxes, in the median, show it by SHARP_DIP, with the paper beyond
# the halo SHARP_BASE below the patch's paper level, the page was sharpened: every box of
# it is measured against its own paper beyond the halo, and the halo's light side is taken
# out as its dark side is (decided for the page, so that a row's boxes are measured alike;
# decided box by box, a box beside the item's text measured unlike its row and sent the
# row to a person). On 13,061 boxes of the first deck (seed 4895, every page style) the
# dip never passed 0.003, and on 1,073 of its pages (seed 4897, the mix with stress
# copies) the page's median dip never passed -0.0006: the first deck is never taken for
# sharpened. On the second deck, which sharpens some scans as well as phone photos, the
# page's dip spreads from about 0 to 0.06 (phone photos of seed 3405: median 0.012, 90th
# percentile 0.033). The limit was 0.015 at first; a gently sharpened phone photo (seed
# 3404 page 3, dip 0.011) then had its boxes measured against the halo, looked as noisy as
# 0.05, and a light pencil tick plain on it read "empty".
# Measured on 800 pages (seed 3405): pages of dip 0.008-0.015 read as sharpened sent 19
# fewer clear items to review than before (57 fewer, 38 more) and 2 light pencil marks
# read right instead; pages of dip 0.005-0.008 read so would send 17 more (29 more, 12
# fewer), mostly photocopies whose paper beyond the line is barely grey.
SHARP_DIP = 0.008
SHARP_BASE = 0.03
SOFT_PX = 1.5  # a further blur: noise averages out, a faint stroke of some length does not
SOFT_MARGIN = 0.025  # smoothed interior darker than the page's empty boxes by this much
SOFT_NARROWEST = 0.015  # ... or less on a clean page whose empty boxes barely differ
SOFT_PX_COUNT = 10  # ... over this many pixels: a faint stroke, never "empty"
UNEVEN_NOISE = 0.06  # paper around a box this uneven: a shadow's edge crosses it ...
UNEVEN_SECTORS = 0.06  # ... or eighths of the band around it this different
# A box's paper measured in a shadow whose edge runs beside it: the shadow's darker part
# rings the band and the lit eighths lie far under that paper (0.145 on a blank box
# counted as a vote, seed 27 of a targeted sample). The halo a circle drawn close round
# its box leaves lies at most 0.028 under it where the band is that uneven (143 of 2,773
# circles, seed 28). On such a band (noise over UNEVEN_NOISE, or its median over the
# trace level), an eighth this much lighter than paper counts as lit, not as paper. On
# 1,200 pages of circles and blanks (seed 28) it sends 6 of 5,836 circles more to a
# person, all under a hand's shadow, and no blank; on 4,000 pages of the product mix
# (seed 4891) it changes no reading.
UNEVEN_LIT = 0.06
# Creases of a folded sheet: a straight line a few per cent darker than paper from one
# edge of the page to the other (a crease's shadow, 5–15 % on the scans we have seen).
CREASE_MIN = 0.018  # a dip of the paper shallower than this is noise (or print)
CREASE_MAX = 0.25  # ... deeper than this is print or ink, never corrected
CREASE_REACH_MM = 2.0  # the same crease seen in two places lies within this of itself
CREASE_STRIP_MM = 30.0  # paper is followed along strips this wide (a crease is not level)
CREASE_SHARE = 0.75  # ... and a crease shows in this share of them, margins included
# A crease lowers the paper about as much in the boxes' strips as in the margins: on 97
# creases of 78 folded first-deck pages (seed 77) the strips' median dip was 0.45-1.33
# times the deeper margin's. Print lines up across the strips too: the top and bottom
# edges of a row's boxes, and on a sharpened phone photo their bright halos, dip every
# strip 0.1-0.3 at the same place, and a phone's grain in the margins (0.02-0.03) may
# line up with it by chance. Taken for a crease, such a dip was lifted to the paper's
# level, darkening the boxes' interiors up to a fifth: on 20 of 600 pages of the second
# deck (seed 3413), none folded, whole rows went to a person (75 such runs, 1.78-12.8
# times the deeper margin's dip). A dip deeper in the strips than CREASE_ALIKE times the
# deeper margin's is not a crease.
CREASE_ALIKE = 1.5
ROW_MARGIN = 0.025  # an "empty" box this much darker than the rest of its row: a person looks
ROW_SIGMAS = 3.0  # ... and this many times its own noise
ROW_SOFT_MARGIN = 0.02  # or its smoothed interior this much darker than the row's ...
ROW_SOFT_SIGMAS = 1.4  # ... and this many times the box's noise (smoothing divides it)
# An "empty" box whose band stands ROW_MARGIN (and ROW_SIGMAS times the row's noise) above
# the row's bands while its own noise is this many times the row's is read again with the
# row's noise (a faint circle round it, see _circle_in_own_noise).
ROW_NOISE_SKEW = 2.0
# A fainter circle widens the band's spread less (1.67 and 1.83 times the row's noise, two
# pencil circles of seed 4786's full-size run stored as "no answer") and stays under that
# level: it is read again at FAINT_CIRCLE_SIGMAS times the row's noise, and counts when
# no other box of the row goes round in more than FAINT_CIRCLE_OTHERS eighths so. On
# 2,125 copies (seed 4833) read so without that last condition, 98 empty boxes were
# sent to review (product-mix copies to review 18.6 % -> 19.6 %); with it, 9 boxes, on
# pages with other items in review but for three copies (18.6 % -> 18.8 %).
FAINT_CIRCLE_SKEW = 1.5
FAINT_CIRCLE_SIGMAS = 3.0
FAINT_CIRCLE_OTHERS = 2
# A dot on clean paper beside boxes under a crumpled page's shading: those boxes' peaks
# raise the row's, and the dot (0.054 above its box's median, 12 times its noise of 0.004)
# stood exactly ROW_MARGIN above the row (200 dpi, seed 4765). Against its own paper it
# stands out as no other box of the row does against theirs. An "empty" box whose darkest
# part stands ROW_ALONE_SIGMAS times its noise (at least ROW_ALONE_NOISE) and
# ROW_ALONE_MARGIN above its own median, ROW_ALONE_RATIO times as far as any other box of
# the row, holds something a person would see. Of 1,216 blank items of the product mix
# read empty (seed 4768) and 5,736 of blank-heavy phone, skewed, crumpled and scanned
# pages (seeds 4790-4792), none stands out so.
ROW_ALONE_SIGMAS = 8.0
ROW_ALONE_MARGIN = 0.03
ROW_ALONE_RATIO = 3.0
ROW_ALONE_NOISE = 0.002
# On a row whose other boxes are all empty, a box standing out from every one of them is
# a very light stroke even below those margins (a tick on a phone photo, 0.013 above the
# darkest other box, smoothed 0.009). Of 12,600 empty boxes of blank rows (3,100 rows of
# three benchmark samples), the three that stood out so had the band around them darker
# than the row's too (a fold's shadow, a crease); erased marks stood out as well.
ROW_OUTLIER = 0.01  # darker than the row's darkest other box by this much ...
ROW_OUTLIER_SOFT = 0.007  # ... smoothed too, and more than the box's own noise ...
# ... while the band around it is no darker than the row's darkest band.
# Fainter still, a pencil stroke is a line: averaged along its length it stands out of the
# paper's grain where no single pixel does. A box of a blank row whose strongest line
# (the mean of a 2.2 mm segment less the paper on either side, at every 15 degrees but
# the two along the printed border, its centre clear of the border's halo) is stronger
# than every other box's by STROKE_MARGIN and STROKE_RATIO times goes to a person. On
# phone photos drawn with many very light ticks (4,000 pages, seed 4749) it sent all six
# ticks the row tests above missed that kept 0.015-0.028 of depth; of 7,033 blank items
# read empty on 2,500 phone photos (seed 4750) and 2,800 pages of the product mix (seed
# 4751), it sent 26 (0.37 %) to a person: phone photos 14, fold, scan, show-through and
# crumpled pages 2-3 each.
# A row lit unevenly holds a noisy box whose grain makes lines of its own: a stroke still
# goes to a person when it beats that box by STROKE_MARGIN and STROKE_NOISY_RATIO times,
# the row's median line STROKE_MEDIAN_RATIO times and its own box's noise
# STROKE_NOISE_RATIO times (seed 4752, copy 13586: a tick 0.0145 against 0.0085 in a box
# of noise 0.0147, its own 0.0019). On the same 7,033 blank items it sent none more.
STROKE_PX = 13  # the segment's length (2.2 mm)
STROKE_HALF_WIDTH = 0.8  # its line: pixels this close to its axis ...
STROKE_FLANKS = (2.0, 3.5)  # ... against the paper this far from it, either side
STROKE_ANGLES = 12  # every 15 degrees; 0 and 90 (along the printed border) left out
STROKE_EDGE_PX = 4  # segment centres this far inside the interior's edge
STROKE_RANK = 2  # robust: the third strongest response of a box
STROKE_MARGIN = 0.004
STROKE_RATIO = 1.8
STROKE_NOISY_RATIO = 1.3
STROKE_MEDIAN_RATIO = 2.5
STROKE_NOISE_RATIO = 4.0
# On a crumpled page the facets shade a row's boxes unequally: a very light tick on a
# lit facet (noise 0.002-0.007) makes a line weaker than the grain of a box on a dark
# facet (noise 0.014-0.03) and the tests above, which compare lines as they are, pass it
# by. Measured in each box's own noise (at least STROKE_SNR_FLOOR), the tick's line
# stands alone: a box whose line is STROKE_SNR times its noise, STROKE_SNR_RATIO times
# any other box's line in theirs, and STROKE_SNR_MARGIN above the strongest other line
# goes to a person. On a corpus of very light ticks and blank rows over eight page styles
# (seeds 4811 and 4813, 4,700 pages) it sent 4 of the 29 ticks every other test missed
# (crumpled pages, 2.1-4.5 of their noise against at most 0.84 for the row) and none of
# 21,301 blank rows read empty, nor any of 1,372 blank rows of the product mix (seed
# 4812). The ratio was 3.0 at first; a full-size run (seed 4789) then stored a very light
# tick on a phone photo as "no answer" that is plain in the image (0.028 of depth left):
# its line stood 2.2 times its noise, 2.8 times the row's strongest other box. On 11,309
# rows read empty in three samples (seeds 4853-4855, 3,337 pages: product mix; very light
# ticks and blanks; blanks and dots), no blank box reached STROKE_SNR with the margin at
# more than 1.79 times the rest of its row, so 2.5 leaves room on both sides. (The 11
# very light ticks those samples read as "no answer" stay so: none of their lines
# reaches STROKE_SNR, the strongest 1.15; they are at the paper's grain.)
STROKE_SNR_FLOOR = 0.005
STROKE_SNR = 1.8
STROKE_SNR_RATIO = 2.5
STROKE_SNR_MARGIN = 0.003
# The margin guards against a line barely stronger than a real one elsewhere in the row.
# A box on a dark facet whose line is weaker than its own noise holds no line, only
# grain: it does not set the margin (the row's median line does, when no other box's
# line reaches STROKE_SNR_OWN times its noise). A very light tick on a crumpled 200 dpi
# page (a targeted sample, seed 39, page 529: 0.019 of depth left, visible in its crop)
# stood 2.52 times its noise and 2.77 times any other box's line in theirs, but only
# 0.0016 over the line of a box on a dark facet (0.0110 in noise of 0.0152); it read
# "no answer". On 1,600 pages of very light ticks and blanks over ten page styles (seed
# 42, about 7,000 blank items) and 1,400 pages of every style (seed 43) it changed no
# reading: no blank sent to a person, and none of the 18 ticks those samples read as
# "no answer" caught (they lie at the paper's grain).
STROKE_SNR_OWN = 1.0
# A faint line may stand just under every one of those limits at once, where the paper's
# grain, which lifts a box's line or its noise but not both against the whole row, rarely
# does: a box whose line passes STROKE_NEAR of each limit together (1.44 times the row's
# strongest other line, 1.44 times its noise, 2.0 times any other box's line in theirs,
# with the margin) goes to a person. A full-size run (seed 4890) stored as "no answer" a
# very light tick on a 200 dpi phone photo that shows in its crop (0.014 of depth left):
# its line stood 1.72, 1.52 and 2.45 against the three limits 1.8, 1.8 and 2.5. On the
# rows read empty of two samples of very light ticks and blanks over seven page styles
# (seeds 22 and 24, 3,500 pages) it sends 1 of 15,340 blank rows to a person; out of
# sample (seed 27, 1,500 pages of very light ticks and blanks) it caught 1 of the 11
# ticks read as "no answer" and sent no blank item more, and on 4,000 pages of the
# product mix (seed 4891) it changed no reading. It also catches seed 4886's faint tick
# on a crumpled page (0.026 left: 1.44, 2.28 and 2.37 against the same limits).
# The first of them compares the line with the lines that stand out of their own box's
# grain (STROKE_SNR_OWN), as the margin does: on a crumpled page a box on a dark facet
# makes a "line" of its shade that is no line. A light pencil tick a person sees in its
# crop (a targeted sample, seed 41, page 541: crumpled, 150 dpi, 0.0495 of depth left)
# stood 1.70 times its noise and 2.1 times any other box's line in theirs, but only 1.35
# times the shaded box's line (0.0254 in noise of 0.0555); it read "no answer". Against
# the row's median line it stands 1.9 times. On 1,600 pages of very light ticks and blanks
# over every page style (seed 44, 7,386 blank items) the change caught one more
# very light tick and sent 2 blank items more to a person.
STROKE_NEAR = 0.8
# A faint stroke across its box may make no line over 2.2 mm stronger than the grain's:
# a phone's noise reduction leaves blotches that make lines of their own at that length.
# Over the box's length the blotches average out and the stroke does not. A box of a
# blank row whose line over LONG_STROKE_PX (the interior's diagonal) is
# LONG_STROKE_RATIO times every other box's and LONG_STROKE_MARGIN above it goes to a
# person. The second deck's seed 3201 read as "no answer" a light pencil cross on a dim
# phone photo (page 13, nd05: 0.052 against 0.043 over 2.2 mm; 2.35 times over the
# diagonal); a sample of blanks and light marks (seed 31, 1,400 pages, seven page
# styles) read so a very light tick on a crumpled page (page 962: 2.2 times). Of the
# blank rows those samples read empty (3,091 of the first deck, 1,284 of the second
# deck's seed 3401) one passes, on a folded page. Out of sample it changed no reading of
# 1,400 pages of blanks and light marks (seed 32; its 12 misses stay: 11 very light
# ticks at the grain, a light pencil mark the capture erased); on the second deck's seed
# 3402 (700 pages) it sent 1 of 1,504 blank items to a person (a photocopy); 4,000 pages
# of the product mix (seed 4891) read with every figure as before. A fainter cross (seed
# 3201, page 1748: 1.6 times over the diagonal) still reads "no answer".
LONG_STROKE_PX = 35  # the interior's diagonal (5.8 mm)
LONG_STROKE_RATIO = 2.0
LONG_STROKE_MARGIN = 0.003
# Fainter than every test above, a very light stroke still moves all of a box's measures
# at once: its darkest pixel, its smoothed interior, its strongest line and its median
# stand above the rest of the row together, where the paper's grain lifts one or two of
# them. A box of a blank row, darker than every other box of it, whose four excesses
# over the row (peak, smoothed peak and median over the others' median; line over the
# strongest other line), each divided by the box's noise and weighted below, all exceed
# COHERENT_SIGMAS goes to a person. On phone, skewed and crumpled pages drawn with many
# faint marks (seed 4791, 1,106 pages, 60 % at 150 dpi) the row tests above missed five
# very light ticks; with the two missed in a benchmark run (seed 4765, phone photos at
# 150 dpi) six of the seven pass this test (0.75 to 1.2 against 0.45 for the seventh),
# while it sends 0.75 % of 3,591 blank rows of seeds 4790-4791 to a person. Out of
# sample (seed 4792, 615 pages) it caught one of five misses (the other four kept
# 0.006-0.010 of depth) and sent 0.63 % of blank rows to a person: it narrows the
# faint marks left at the paper's grain, it does not end them.
COHERENT_SIGMAS = 0.6
COHERENT_WEIGHTS = (1.0, 1.0, 3.0, 2.0)  # peak, smoothed peak, line, median
# A clean scan's grain (a quarter of blank boxes under 0.006, some under 0.001) would make
# the test see the residue of a crease, of the printed border or of JPEG (0.002-0.004 in
# all four measures): below this noise the excesses are compared with it. The missed
# ticks' boxes had 0.0041-0.0107. With a floor of 0.004 the full-size run of seed 4766
# sent 19.9 % of copies to review (17.2 % before the test); on 2,234 blank items of the
# product mix (seeds 4795-4796) the test sent 1.1 % more to review with 0.004, 0.6 %
# with 0.006 and 0.3 % with 0.007 (seed 4796 alone), and every tick above still passes.
COHERENT_NOISE_FLOOR = 0.007
# A broad, very light pencil tick on a crumpled page hides in the pixels' noise and makes
# no line stronger than the grain's, yet it covers much of its box: the interior's median
# (robust to the noise of single pixels) rises above the paper of the box's own band,
# which the facets of the crumple shade alike. A box of a blank row, darker than every
# other box of it, whose interior stands ROW_RAISED above its band more than the row's
# other boxes do (their median), and whose interior's median stands ROW_RAISED above
# theirs too, goes to a person (seed 4769, copy 16144: a tick keeping 0.038 of depth,
# 0.013 and 0.011 above the row at 150 dpi). Of 4,953 blank items of the product mix read
# empty (seeds 4768 and 4800), none came above 0.0073 in both. On very light ticks and
# blanks over nine page styles (seed 4801, 900 pages) it caught 1 of 11 ticks read as
# "no answer" and sent 3 of 3,525 blank items (crumpled pages) to a person. Set first at
# 0.009, it let a light pencil tick a person sees through (seed 4774, copy 16390: crumpled
# 150 dpi, 0.036 of depth left, beside a box a facet darkened as much): 0.0079 and 0.0069.
# That lies inside the tail of blank rows: on a fresh sample (seeds 4806 and 4807, 2 ×
# 1,400 copies of the mix), of 6,835 boxes of blank rows that are the darkest of their row,
# 5 came above 0.0065 in both, 2 of them sent to a person already for being over 0.009.
# At 0.0065 the other 3 (0.04 %) go to a person too: a blank row looked at is cheap, a
# mark stored as "no answer" is not.
ROW_RAISED = 0.0065
# A faint circle on a noisy page: round a box of a blank row, a pencil circle keeping 0.1
# of depth on a crumpled 200 dpi page stood 0.03 above the row's bands in a grain of σ
# 0.026, and no eighth of its band reached the trace level (seed 4769, copy 10948). Its
# line is long, though: averaged round the box, along a thin ring (RING_CURVE_STEP_PX
# wide, its radius RING_CURVE_RADII of the box's width, its centre within
# RING_CURVE_SHIFT_PX of the box's), it stands out of the rings just inside and outside
# it, in at least CIRCLE_SECTORS eighths (a straight crease or rule touches two). The
# printed border and RING_CURVE_BORDER_PX round it are left out. That ring is measured in
# a blank row only where a box's band stands RING_CURVE_GATE above the row's (2 % of
# blank rows of the product mix; every circle of seed 4805 does). A box whose ring stands
# RING_CURVE_MARGIN and RING_CURVE_RATIO times above the row's strongest other goes to a
# person. On 4,044 blank rows of the product mix (seed 4803) the most any box stood was
# 0.010 and 1.9 times; of 1,258 circles on crumpled, phone, shadow and show-through pages
# (seed 4805, all read as marks by the other tests) 1,249 stand so; that circle, 0.019 and
# 2.3 times.
# A hand's circle is an oval, off centre, and wavers: a thin ring round one centre catches
# its line in some eighths and misses it in others (seed 4788, copy 12403: a pencil circle
# keeping 0.047 of depth under a hand's shadow, on paper whose grain is 0.045 a pixel,
# stood 0.024 against 0.015 for the row's other boxes). The ring is therefore read in two
# shapes, and a box stands out when it does in either: thin rings whose eighths may each
# lie RING_CURVE_WANDER rings in or out of the common radius (each eighth its best), and
# rings RING_CURVE_WIDE_PX wide. On 5,000 pages drawn with blanks and faint pencil circles
# only (seeds 4845 and 4847, pencil darkness 0.06-0.22, six page styles), of 1,550 circles
# read as "no answer" by the single ring, the two shapes sent 399 to a person, and of
# 181,790 boxes of blank rows (12,350 of them measured past the gate) none; the closest, a
# box under a hand's shadow, stood 0.021 and 1.99 times in the wandering ring. That
# circle stands 0.042 against 0.019 (2.2 times) in the wandering ring.
RING_CURVE_STEP_PX = 2
RING_CURVE_WANDER = 2
RING_CURVE_WIDE_PX = 3
# A box whose band _band_shade reads as a shade stays doubtful when its ring stands this
# far out of its row's (see _ring_of_its_own).
SHADE_RING_MARGIN = 0.008
SHADE_RING_RATIO = 1.5
RING_CURVE_RADII = (0.55, 1.0)
RING_CURVE_SHIFT_PX = 2
RING_CURVE_BORDER_PX = 2.5
RING_CURVE_GATE = 0.015
RING_CURVE_MARGIN = 0.012
RING_CURVE_RATIO = 2.0
TEXTURE = "texture"  # a box's internal state: a trace only smoothed or around it; the row decides
# Two robust peaks (the interior's and the band's, each above its median) are compared
# within the box's own noise: under show-through a line of the back's print crosses the
# box and the band alike, and the interior's peak came out up to 0.004 above the band's
# (noise 0.005-0.011) on 13 of 420 copies of one seed, all sent to review for it.
TEXTURE_SIGMAS = 1.0
# The row's paper never holds ink this dark beside a box: show-through, creases and a
# crumpled sheet's facets darken a band by at most 0.13 (see BESIDE_DARK). A pen line
# struck along a row through the bands of its boxes is as dark in every band, so the row
# "explained" it: on a 230 dpi phone photo of the second deck (seed 3414, page 43, nd21)
# such a line crossed the top of the first box's interior and ran along the other four
# boxes' top edges (their bands 0.36-0.43 deep), and the row was counted as a vote for
# the first box.
TEXTURE_INK = 0.2
# A photocopier's toner leaves specks on the paper: a dot or two of 10-27 px, 4-6 px across,
# beside a box lifts its band over the trace level (``TRACE_PX``) with nothing inside the
# box, and the box went to a person as "ink beside it". A stroke or a circle crossing the
# band is a line, longer than a speck, and a stroke from outside runs on beyond the band.
# The band's trace is paper when it is at most SPECK_COUNT patches, each (with what it
# has outside the band: towards the printed line and beyond the band, up to the patch's
# edge) at most SPECK_PX pixels and SPECK_ACROSS_PX across, none running on to the
# patch's edge or to the row's edge where the row cuts the band, with no smoothed trace
# inside the box. A pen dot on the printed line (seed 3411 page 683 of the second deck)
# reaches into the band as a speck would (8 px); measured from the box's edge outwards it
# is 7 px across at least, and there it joins the line's own residue (219 px). The row's
# own tests still look at the box afterwards (:func:`_against_the_row`).
SPECK_COUNT = 2
SPECK_PX = 24
SPECK_ACROSS_PX = 6
# A pen dot drawn on a box's printed line lies mostly in the strip between the interior
# (from INSET_MM inside the line) and the band (from RING_IN_MM outside it), which neither
# measures; what reaches the band can stay within TRACE_PX, and the box read "empty" (the
# second deck, seed 3411 page 683: 8 pixels, the band's robust peak 0.135 against 0.023-0.033
# for the row's other boxes). An "empty" box whose band's robust peak (its 6th darkest
# pixel) stands BESIDE_DARK over every other band of its row holds ink beside it, unless
# that ink is a speck or two (``_specks_only``): a person looks. Of the boxes read empty
# and not drawn in, this much stood out on 1 of 30,105 (seed 3411, 700 pages of the
# second deck: a photocopy's toner) and on none of 25,268 (seed 37, 700 pages of every
# style of the first deck; the most, 0.051, on a crumpled page).
# Read with and without it: no box of 500 pages of the second deck (seed 3412); 6 of 1,400
# pages of every first-deck style (seed 38), one a pencil tick read "no answer" on a crumpled
# page (the rule fired on a facet's shade round another box of its row); the product mix
# (seed 4891, 4,000 pages): 2 more clear items of 31,782 to a person.
BESIDE_DARK = 0.07
COMMENT_DEPTH = 0.2  # darker than show-through, creases and erasures
COMMENT_INK = 0.001  # of the area: a few words

_detectors: dict[float, cv2.aruco.ArucoDetector] = {}


def _detector(min_perimeter: float) -> cv2.aruco.ArucoDetector:
    if min_perimeter not in _detectors:
        dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
        params = cv2.aruco.DetectorParameters()
        params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
        # Our markers are 12 mm on a 297 mm page: ignoring smaller squares (letters, the
        # checkboxes) makes detection several times faster on a page full of text.
        params.minMarkerPerimeterRate = min_perimeter
        # Two thresholding windows (7 and 27 px) instead of three: markers are large and
        # high-contrast, and every window is another pass over the image.
        params.adaptiveThreshWinSizeMin = 7
        params.adaptiveThreshWinSizeMax = 27
        params.adaptiveThreshWinSizeStep = 20
        _detectors[min_perimeter] = cv2.aruco.ArucoDetector(dictionary, params)
    return _detectors[min_perimeter]


def _to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        image = cv2.cvtColor(image, code)
    if image.dtype != np.uint8:
        raise PageRefused("unreadable", "dtype")
    return image


def _find_markers(gray: np.ndarray) -> dict[int, np.ndarray]:
    """Return marker id → its 4 corners (image pixels) for the ids we print.

    Looks on a reduced copy first (fast); falls back to finer copies and smaller markers
    (a photo where the page fills little of the frame) when that finds fewer than four.
    The copy at half resolution comes before the full image, which is searched only when
    fewer than three markers are found at half: on a large photo the full search holds
    several thresholded copies of the whole frame (70 MB for 12 megapixels), and where
    the half copy finds three, a dog-ear has taken the fourth (markers 12 mm wide are
    over 30 px there, and their corners lie within a pixel of the full search's).
    """
    small, factor = gray, 1.0
    halves = []
    while max(small.shape) > 1.5 * DETECT_LONG_SIDE:
        small, factor = cv2.pyrDown(small), factor / 2
        halves.append((small, factor))
    attempts = [(small, factor, 0.06)]
    if factor < 0.5:
        attempts.append((*halves[0], 0.03))
    if factor < 1.0:
        attempts.append((gray, 1.0, 0.03))
    else:
        attempts.append((gray, 1.0, 0.02))
    # Fastest first: the four corners of the reduced copy, where the markers of a scanned
    # page are (a third of the pixels); then the whole reduced copy; then full resolution.
    h, w = small.shape
    ch, cw = int(h * CORNER_SHARE), int(w * CORNER_SHARE)
    corners_only = [
        (small[:ch, :cw], 0, 0),
        (small[:ch, w - cw :], w - cw, 0),
        (small[h - ch :, w - cw :], w - cw, h - ch),
        (small[h - ch :, :cw], 0, h - ch),
    ]
    best: dict[int, np.ndarray] = {}
    found: dict[int, np.ndarray] = {}
    for crop, ox, oy in corners_only:
        _collect(found, crop, factor, 0.06 * max(h, w) / max(crop.shape), ox, oy)
    if len(found) == 4:
        return found
    best = found
    for image, f, min_perimeter in attempts:
        if f == 1.0 and factor < 0.5 and len(best) == 3:
            break  # the half copy found three: the full image would find no fourth
        found = {}
        _collect(found, image, f, min_perimeter, 0, 0)
        if len(found) > len(best):
            best = found
        if len(best) == 4:
            break
    if len(best) < 4:
        found = _markers_in_ink(small, factor)
        if len(found) > len(best):
            best = found
    return best


def _markers_in_ink(image: np.ndarray, factor: float) -> dict[int, np.ndarray]:
    """Look for the markers once more on a copy where ink is black and paper white.

    A marker the detector missed where a person sees it plainly: one whose printed
    square is half grey (a low-toner band across it), whose cells the detector's own
    split between dark and light then reads wrongly; or one at the very edge of the
    image (a scan cut close to the page), where the quiet zone round it is lost. Every
    pixel darker than MARKER_INK of the paper is made black, the rest white, and a
    margin of paper (MARKER_PAD_PX) is added round the image.
    """
    paper = float(np.percentile(image[::4, ::4], 90))
    ink = np.where(image < MARKER_INK * paper, 0, 255).astype(np.uint8)
    pad = MARKER_PAD_PX
    padded = cv2.copyMakeBorder(ink, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    found: dict[int, np.ndarray] = {}
    _collect(found, padded, factor, 0.03, -pad, -pad)
    return found


def _collect(
    found: dict[int, np.ndarray],
    image: np.ndarray,
    factor: float,
    min_perimeter: float,
    ox: int,
    oy: int,
) -> None:
    """Detect markers in ``image`` (offset ox/oy in a copy scaled by ``factor``) into found."""
    corners, ids, _rejected = _detector(round(min_perimeter, 3)).detectMarkers(image)
    if ids is None:
        return
    for quad, marker_id in zip(corners, ids.ravel(), strict=True):
        mid = int(marker_id)
        if mid not in MARKER_IDS:
            continue
        pts = (quad.reshape(4, 2).astype(np.float64) + np.array([ox, oy])) / factor
        area = cv2.contourArea(pts.astype(np.float32))
        if mid not in found or area > cv2.contourArea(found[mid].astype(np.float32)):
            found[mid] = pts


def _homography(markers: dict[int, np.ndarray]) -> tuple[np.ndarray, float]:
    """Fit page mm → image px from marker corners; return it and the RMS error in mm."""
    rects = marker_rects()
    src, dst = [], []
    for mid, pts in markers.items():
        r = rects[MARKER_IDS.index(mid)]
        src += [(r.x, r.y), (r.x + r.w, r.y), (r.x + r.w, r.y + r.h), (r.x, r.y + r.h)]
        dst += [tuple(p) for p in pts]
    src_a = np.array(src, dtype=np.float64)
    dst_a = np.array(dst, dtype=np.float64)
    matrix, _mask = cv2.findHomography(src_a, dst_a, 0)
    if matrix is None:
        raise PageRefused("no_markers", "singular")
    projected = cv2.perspectiveTransform(src_a.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    scale = _px_per_mm(matrix)
    error = float(np.sqrt(np.mean(np.sum((projected - dst_a) ** 2, axis=1)))) / scale
    return matrix, error


def _px_per_mm(matrix: np.ndarray) -> float:
    corners = np.array([[0, 0], [PAGE_W, 0], [PAGE_W, PAGE_H], [0, PAGE_H]], dtype=np.float64)
    quad = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    area = abs(cv2.contourArea(quad.astype(np.float32)))
    return float(np.sqrt(area / (PAGE_W * PAGE_H)))


def _warp(gray: np.ndarray, matrix: np.ndarray, region: Rect, scale: float) -> np.ndarray:
    """Resample ``region`` (page mm) of the image at ``scale`` px/mm."""
    to_region = np.array(
        [[1 / scale, 0, region.x], [0, 1 / scale, region.y], [0, 0, 1]], dtype=np.float64
    )
    size = (round(region.w * scale), round(region.h * scale))
    return cv2.warpPerspective(
        gray,
        matrix @ to_region,
        size,
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def _decode_qr(image: np.ndarray) -> list[str]:
    results = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return [r.text for r in results if r.valid]


def _read_sheet(gray: np.ndarray, matrix: np.ndarray) -> SheetId:
    texts = _decode_qr(_warp(gray, matrix, QR_SEARCH, QR_SCALE))
    if not texts:
        texts = _decode_qr(gray)
    if not texts:
        raise PageRefused("no_qr")
    sheets = {parse_sheet_id(t) for t in texts if t.startswith("PK1|")}
    if not sheets:
        raise PageRefused("bad_qr", texts[0][:80])
    if len(sheets) > 1:
        raise PageRefused("bad_qr", "several ballot codes on one image")
    return sheets.pop()


@dataclass(frozen=True)
class BoxMeasure:
    """What was measured around one checkbox.

    Depths are ``1 - brightness / paper`` after a light blur, so 0 is paper and 1 is
    black, less the halo of the printed border (see :func:`_halo`): what is left is
    what was added to the printed form. ``peak`` and ``ring_peak`` are robust maxima
    (the 6th darkest pixel) of the interior and of the band around the box; the page's
    own empty boxes calibrate them.
    """

    inner: np.ndarray  # depths of the interior (printed border excluded)
    ring: np.ndarray  # depths of the band around the box, within the row
    ring_sector: np.ndarray  # sector (0–7) of each ring pixel
    border: float
    peak: float
    ring_peak: float
    inner_median: float
    ring_median: float
    noise: float  # spread of the depths around the box below their median (≈ σ of noise)
    soft: np.ndarray  # interior depths smoothed further: faint extended strokes stand out
    shape: tuple[int, int] = (0, 0)  # rows and columns of the interior (``inner`` is flat)
    soft_peak: float = 0.0  # robust peak of ``soft`` (read by the calibration and the row)
    film: float = 0.0  # grey along every side inside the box, over the page's (see _film)
    # The whole patch's depths (halo taken out), its band mask and where the box lies in
    # it (pad, width, height): for the few boxes whose band is read as a circle.
    patch: np.ndarray | None = None
    ring_mask: np.ndarray | None = None
    frame: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True)
class RawBox:
    """One box's depth patch before the border's halo is taken out.

    ``profiles`` holds, for each side (left, right, top, bottom), the median depth along
    that side at each distance from its printed line (index ``HALO_PX + d``, ``d`` > 0
    towards the interior): the blur and JPEG ringing of the printed border as this box
    shows it, whatever its sub-pixel position. A stroke crosses a side over a few pixels
    and does not move the median.
    """

    depth: np.ndarray
    pad: int
    bw: int
    bh: int
    ring_mask: np.ndarray
    border: float
    profiles: np.ndarray  # (4, 2 * HALO_PX + 1)
    sharpened: bool = False  # measured against the paper beyond a sharpening halo


def _paper(patch: np.ndarray) -> float:
    """Return the brightness of the paper around a spot: the 90th percentile of a subsample."""
    sample = patch[::3, ::3].ravel()
    if sample.size == 0:
        return 0.0
    k = int(sample.size * 0.9)
    return float(np.partition(sample, k)[k])


def _px(v: float) -> int:
    return round(v * SCALE)


def _row_offset(page: np.ndarray, item: ItemLayout) -> tuple[int, int, bool]:
    """Find the printed boxes of a row near where the homography puts them.

    Returns the (dx, dy) pixel shift that puts the expected box edges on the printed
    lines, and whether the lines were found at all: a bent page or a slightly wrong
    homography moves boxes by up to a millimetre, which matters for 5 mm boxes.
    """
    search = _px(SEARCH_MM)
    xs0 = np.array([_px(b.x) for b in item.boxes])
    xs1 = np.array([_px(b.x + b.w) for b in item.boxes])
    ys0 = np.array([_px(b.y) for b in item.boxes])
    ys1 = np.array([_px(b.y + b.h) for b in item.boxes])
    x0, x1 = int(xs0.min()) - 2 * search, int(xs1.max()) + 2 * search
    y0, y1 = int(ys0.min()) - 2 * search, int(ys1.max()) + 2 * search
    strip = page[y0:y1, x0:x1]
    if strip.size == 0:
        return 0, 0, False
    paper = _paper(strip)
    dark = (strip < paper * LINE).astype(np.float32)
    mid_rows = dark[_px(1.0) + (int(ys0.min()) - y0) : (int(ys1.max()) - y0) - _px(1.0)]
    mid_cols = np.zeros(dark.shape[1], dtype=bool)
    for a, b in zip(xs0, xs1, strict=True):
        mid_cols[a - x0 + _px(1.0) : b - x0 - _px(1.0)] = True
    col_profile = np.convolve(mid_rows.sum(axis=0), [0.5, 1, 0.5], mode="same")
    row_profile = np.convolve(dark[:, mid_cols].sum(axis=1), [0.5, 1, 0.5], mode="same")
    shifts = np.arange(-search, search + 1)
    col_scores = col_profile[xs0[None, :] - x0 + shifts[:, None]].sum(axis=1) + col_profile[
        xs1[None, :] - x0 + shifts[:, None]
    ].sum(axis=1)
    top, bottom = int(ys0[0]) - y0, int(ys1[0]) - y0  # the boxes of a row share their y
    row_scores = row_profile[top + shifts] + row_profile[bottom + shifts]
    dx = int(shifts[int(np.argmax(col_scores))])
    dy = int(shifts[int(np.argmax(row_scores))])
    found = _edges_found(col_scores, 2 * len(item.boxes) * mid_rows.shape[0]) and _edges_found(
        row_scores, 2 * int(mid_cols.sum())
    )
    return dx, dy, found


def _edges_found(scores: np.ndarray, length: int) -> bool:
    """Return whether the best of *scores* shows printed lines along most of the edges.

    *scores* are dark pixels counted along edges of *length* pixels in all, smoothed by
    [0.5, 1, 0.5] across them, one per shift tried. A found border is dark along most of
    each edge: after that smoothing a printed line one pixel wide peaks at its length,
    two pixels wide at 1.5 times it; 1.5 × BORDER_PRESENT accepts both and rejects a page
    with no boxes there.
    """
    return float(scores.max()) >= BORDER_PRESENT * (length * 1.5)


def _own_shifts(
    page: np.ndarray, item: ItemLayout, dx: int, dy: int
) -> list[tuple[int, int]] | None:
    """Find each box of a row on its own, when no common shift puts them all on their lines.

    A crumpled or bent sheet moves the boxes of one row apart: on crumpled sheets of a
    targeted sample (seed 63), rows of plainly printed boxes showed 0.54–0.58 of their
    edges under the row's best common shift (BORDER_PRESENT asks 0.6), and every box 0.66
    or more under a shift of its own. Each box is looked for within SEARCH_MM of where the
    homography puts it, the row's shift (*dx*, *dy*) preferred on a tie, and must show
    its edges as :func:`_row_offset` asks of a row (:func:`_edges_found`); else the row is not
    found (None). Every box is then refined and checked on its own (:func:`_measure_box`).
    """
    search = _px(SEARCH_MM)
    m = _px(1.0)
    shifts = np.arange(-search, search + 1)
    shifts_list = []
    for box in item.boxes:
        bx0, bx1, by0, by1 = _px(box.x), _px(box.x + box.w), _px(box.y), _px(box.y + box.h)
        x0, y0 = bx0 - 2 * search, by0 - 2 * search
        if x0 < 0 or y0 < 0:
            return None
        window = page[y0 : by1 + 2 * search, x0 : bx1 + 2 * search]
        if window.shape != (by1 - by0 + 4 * search, bx1 - bx0 + 4 * search):
            return None
        dark = (window < _paper(window) * LINE).astype(np.float32)
        mid_rows = dark[by0 - y0 + m : by1 - y0 - m]
        mid_cols = dark[:, bx0 - x0 + m : bx1 - x0 - m]
        cols = np.convolve(mid_rows.sum(axis=0), [0.5, 1, 0.5], mode="same")
        rows = np.convolve(mid_cols.sum(axis=1), [0.5, 1, 0.5], mode="same")
        col_scores = cols[bx0 - x0 + shifts] + cols[bx1 - x0 + shifts]
        row_scores = rows[by0 - y0 + shifts] + rows[by1 - y0 + shifts]
        if not (
            _edges_found(col_scores, 2 * mid_rows.shape[0])
            and _edges_found(row_scores, 2 * mid_cols.shape[1])
        ):
            return None
        tie = 1e-3 * np.abs(shifts - dx), 1e-3 * np.abs(shifts - dy)
        shifts_list.append(
            (
                int(shifts[int(np.argmax(col_scores - tie[0]))]),
                int(shifts[int(np.argmax(row_scores - tie[1]))]),
            )
        )
    return shifts_list


def _median(values: np.ndarray, axis: int) -> np.ndarray:
    """Return ``np.median(values, axis=axis)``, the same values without its overhead.

    The reader takes several medians of small arrays for every box; ``np.median``'s
    checks and dispatch cost more than the partition itself there.
    """
    n = values.shape[axis]
    k = n // 2
    if n % 2:
        middle: np.ndarray = np.take(np.partition(values, k, axis=axis), k, axis=axis)
        return middle
    part = np.partition(values, (k - 1, k), axis=axis)
    # The mean of the two middle values as np.mean takes it (their sum, halved).
    result: np.ndarray = (np.take(part, k - 1, axis=axis) + np.take(part, k, axis=axis)) / 2
    return result


def _percentile(values: np.ndarray, q: float) -> float:
    """Return numpy's linear percentile of a 1-D array, in double precision, without overhead.

    The same as ``np.percentile(values.astype(np.float64), q)``.
    """
    at = (q / 100) * (values.size - 1)
    low = int(at)
    high = min(low + 1, values.size - 1)
    part = np.partition(values, (low, high))
    a, b, t = float(part[low]), float(part[high]), at - low
    return a + (b - a) * t if t < 0.5 else b - (b - a) * (1 - t)


def _robust_peak(values: np.ndarray) -> float:
    if values.size <= PEAK_RANK:
        return float(values.max()) if values.size else 0.0
    return float(-np.partition(-values, PEAK_RANK)[PEAK_RANK])


_sector_cache: dict[tuple[int, int, int], np.ndarray] = {}


def _sectors(shape: tuple[int, int], pad: int) -> np.ndarray:
    """Return the sector (0–7) of every pixel of a patch around a box (cached per shape)."""
    key = (shape[0], shape[1], pad)
    if key not in _sector_cache:
        h, w = shape
        yy, xx = np.mgrid[0:h, 0:w]
        _sector_cache[key] = _eighths(yy - (h - 1) / 2, xx - (w - 1) / 2).astype(np.int8)
    return _sector_cache[key]


def _eighths(dy: np.ndarray, dx: np.ndarray) -> np.ndarray:
    """Return the eighth (0–7) of the turn round a centre of points *dy*, *dx* from it.

    Eighth 0 lies to the left of the centre, 2 above it, 4 to its right and 6 below it.
    """
    eighths: np.ndarray = ((np.arctan2(dy, dx) + np.pi) / (2 * np.pi) * 8).astype(np.int64) % 8
    return eighths


def _refine(page: np.ndarray, bx0: int, by0: int, bx1: int, by1: int) -> tuple[int, ...]:
    """Return the shifts (left, right, top, bottom), each within ±BOX_SEARCH_MM, that put
    a box's edges on its printed border.

    The row's common shift leaves single boxes off by up to a millimetre on a photo taken
    at an angle or a bent page, and rounding to pixels makes a box one pixel wider or
    narrower than printed; then the border would fall in the band around the box.
    """
    r = _px(BOX_SEARCH_MM)
    y0, x0 = by0 - r - 1, bx0 - r - 1
    window = page[max(0, y0) : by1 + r + 2, max(0, x0) : bx1 + r + 2]
    bw, bh = bx1 - bx0, by1 - by0
    if y0 < 0 or x0 < 0 or window.shape != (bh + 2 * r + 3, bw + 2 * r + 3):
        return 0, 0, 0, 0
    dark = (window < _paper(window) * LINE).astype(np.float32)
    m = _px(1.0)
    cols = np.convolve(dark[r + 1 + m : r + 1 + bh - m].sum(axis=0), [0.5, 1, 0.5], "same")
    rows = np.convolve(dark[:, r + 1 + m : r + 1 + bw - m].sum(axis=1), [0.5, 1, 0.5], "same")
    # The four edges' candidates side by side (one argmax for all four).
    n = 2 * r + 1
    candidates = np.stack(
        [cols[1 : n + 1], cols[bw + 1 : bw + n + 1], rows[1 : n + 1], rows[bh + 1 : bh + n + 1]]
    )
    best = np.argmax(candidates - _refine_penalty(r), axis=1) - r
    return int(best[0]), int(best[1]), int(best[2]), int(best[3])


@lru_cache(maxsize=4)
def _refine_penalty(r: int) -> np.ndarray:
    """Return the penalty of each shift in ``[-r, r]``: on a tie, trust the row's shift."""
    penalty: np.ndarray = 0.01 * np.abs(np.arange(-r, r + 1))
    penalty.flags.writeable = False
    return penalty


def _measure_box(page: np.ndarray, box: Rect, row: Rect, dx: int, dy: int) -> RawBox | None:
    """Measure one box; None when it lies (partly) outside the page or in the dark."""
    bx0, by0 = _px(box.x) + dx, _px(box.y) + dy
    bx1, by1 = _px(box.x + box.w) + dx, _px(box.y + box.h) + dy
    left, right, top_shift, bottom_shift = _refine(page, bx0, by0, bx1, by1)
    edges = (bx0 + left, by0 + top_shift, bx1 + right, by1 + bottom_shift)
    raw = _measure_at(page, edges, row, dy)
    if raw is None:
        return None
    moved = _border_off(raw.profiles)
    if not any(moved):
        return raw
    # A side of a sheet bent out of plane runs askew: the edge search, counting dark
    # pixels along rows or columns, may settle a few pixels outside it, and the printed
    # line then lies inside the box, read as a stroke. The median along the side still
    # peaks on the line: the edge is put there.
    shifted = (edges[0] + moved[0], edges[1] + moved[2], edges[2] - moved[1], edges[3] - moved[3])
    return _measure_at(page, shifted, row, dy) or raw


def _border_off(profiles: np.ndarray) -> tuple[int, ...]:
    """Return how far (px) inside its edge each side's printed line lies.

    0 for a side whose median profile peaks on the edge, within a pixel of it or outside
    it (a circle drawn close round a box may be darker than the print), or has no line
    standing ``BORDER_OFF_DROP`` above the profile either side of its peak (a box filled
    in is dark inward as well: its edges stay where the search put them).
    """
    h = HALO_PX
    out = []
    for profile in profiles:
        at = int(np.argmax(profile))
        if at - h < BORDER_OFF_PX or at > profile.size - 4:
            out.append(0)
            continue
        peak = float(profile[at])
        line = peak - max(float(profile[at - 3]), float(profile[at + 3])) >= BORDER_OFF_DROP
        out.append(at - h if line else 0)
    return tuple(out)


def _measure_at(
    page: np.ndarray, edges: tuple[int, int, int, int], row: Rect, dy: int
) -> RawBox | None:
    """Measure the box whose printed border runs along ``edges`` (x0, y0, x1, y1)."""
    bx0, by0, bx1, by1 = edges
    pad = _px(RING_OUT_MM) + 2
    y0, x0 = by0 - pad, bx0 - pad
    patch = page[max(0, y0) : by1 + pad, max(0, x0) : bx1 + pad]
    if y0 < 0 or x0 < 0 or patch.shape != (by1 - by0 + 2 * pad, bx1 - bx0 + 2 * pad):
        return None
    paper = _paper(patch)
    if paper < MIN_PAPER:  # nothing to compare ink with: a black or missing area
        return None
    norm = patch.astype(np.float32) * (1.0 / paper)
    depth = 1.0 - cv2.GaussianBlur(norm, (0, 0), BLUR_PX)
    bw, bh = bx1 - bx0, by1 - by0

    # Only this item's row: a circle drawn around a box of the next row is not ours.
    top = _px(row.y) + dy - y0
    bottom = _px(row.y + row.h) + dy - y0
    ring_mask = _ring_mask(depth.shape, pad, bw, bh, max(0, top), max(0, bottom))

    # The printed border: along each side, the darkest pixel across a band around it.
    band = _px(0.4) + 1
    sides = [
        norm[pad - band : pad + band, pad : pad + bw].min(axis=0),
        norm[pad + bh - band : pad + bh + band, pad : pad + bw].min(axis=0),
        norm[pad : pad + bh, pad - band : pad + band].min(axis=1),
        norm[pad : pad + bh, pad + bw - band : pad + bw + band].min(axis=1),
    ]
    border = min(np.count_nonzero(side < FAINT) / side.size for side in sides)

    # The halo of each side: median depth along the side (its corners left out) at each
    # distance from the printed line, outward (negative) and inward (positive): each
    # side's lines, one per distance, as rows (left, right, top, bottom), a median each.
    m, h = _px(1.0), HALO_PX
    rows, cols = depth[pad + m : pad + bh - m], depth[:, pad + m : pad + bw - m]
    left_right = np.concatenate(
        [rows[:, pad - h : pad + h + 1], rows[:, pad + bw + h : pad + bw - h - 1 : -1]], axis=1
    ).T
    top_bottom = np.concatenate(
        [cols[pad - h : pad + h + 1], cols[pad + bh + h : pad + bh - h - 1 : -1]]
    )
    if left_right.shape == top_bottom.shape:
        profiles = _median(np.concatenate([left_right, top_bottom]), axis=1).reshape(4, -1)
    else:
        profiles = np.concatenate([_median(left_right, axis=1), _median(top_bottom, axis=1)])
        profiles = profiles.reshape(4, -1)
    return RawBox(depth, pad, bw, bh, ring_mask, border, profiles)


def _halo_signature(profiles: np.ndarray) -> tuple[float, float]:
    """Return how much lighter paper is next to a box's printed line than beyond it (the
    median side, the lesser of outside and inside), and the depth of the paper beyond it
    outside the box (see SHARP_DIP)."""
    h = HALO_PX
    far_out = profiles[:, :2].mean(axis=1)
    far_in = profiles[:, -2:].mean(axis=1)
    dip_out = far_out - profiles[:, 2 : h - 2].min(axis=1)
    dip_in = far_in - profiles[:, h + 3 : -2].min(axis=1)
    return float(np.median(np.minimum(dip_out, dip_in))), float(np.median(profiles[:, :2]))


def _sharpened(signatures: np.ndarray) -> bool:
    """Return whether the page was sharpened: its boxes (*signatures*, each box's
    :func:`_halo_signature`), in the median, ringed with paper lighter than paper (see
    SHARP_DIP). Decided for the page, so that a row's boxes are measured alike."""
    if not len(signatures):
        return False
    dip, beyond = np.median(signatures, axis=0)
    return bool(dip > SHARP_DIP and beyond > SHARP_BASE)


def _beyond_cap(beyonds: np.ndarray) -> float:
    """Return the most a sharpened page's box may take its paper beyond the halo to lie
    under its patch's paper level (*beyonds*: the page's boxes' own, from
    :func:`_halo_signature`).

    Sharpening is the same over the page, so its boxes' paper beyond the halo lies
    within a narrow spread of the page's median; a box claiming more has ink there. The
    paper beyond the halo is read 7-8 px (1.2-1.3 mm) out from the printed line, where
    a circle drawn close round the box runs: taken for paper, the circle's line (0.12 to
    0.41 on five circles of the second deck, seed 3418, against their pages' 0.04-0.07)
    made every depth of the box lighter than paper by as much, its band looked lit unevenly
    and the circle went to a person. The cap is the page's median and twice its lower
    spread (``HALO_SPREAD``), never less than ``HALO_SLACK`` over the median, as for the
    halo itself (see :func:`halo_cap`). On that seed's 600 pages it changed 7 readings,
    all plain circles on sharpened pages read instead of sent to a person; the first
    deck is never taken for sharpened (245 copies of its product mix, seed 4903: no
    reading changed).
    """
    low, mid = np.percentile(beyonds, [10, 50])
    return float(mid + max(HALO_SLACK, HALO_SPREAD * (mid - low)))


def _beyond_the_halo(raw: RawBox, most: float) -> RawBox:
    """Return a box of a sharpened page measured against its paper beyond the halo,
    taken at most *most* under its patch's paper level (see :func:`_beyond_cap`)."""
    beyond = min(max(0.0, _halo_signature(raw.profiles)[1]), most)
    # Depths against that paper: 1 - I / (paper * (1 - beyond)).
    scale = np.float32(1.0 / (1.0 - beyond))
    depth = 1.0 - (1.0 - raw.depth) * scale
    profiles = 1.0 - (1.0 - raw.profiles) * scale
    return replace(raw, depth=depth, profiles=profiles, sharpened=True)


@lru_cache(maxsize=512)
def _ring_mask(
    shape: tuple[int, int], pad: int, bw: int, bh: int, top: int, bottom: int
) -> np.ndarray:
    """Return the band around a box within its row (rows ``top`` to ``bottom``), cached.

    Read-only: the same array serves every box of that geometry.
    """
    r_in, r_out = _px(RING_IN_MM), _px(RING_OUT_MM)
    ring_mask = np.zeros(shape, dtype=bool)
    ring_mask[pad - r_out : pad + bh + r_out, pad - r_out : pad + bw + r_out] = True
    ring_mask[pad - r_in : pad + bh + r_in, pad - r_in : pad + bw + r_in] = False
    ring_mask[:top] = False
    ring_mask[bottom:] = False
    ring_mask.flags.writeable = False
    return ring_mask


@dataclass(frozen=True)
class PageHalo:
    """How the printed borders of one page look, at each distance from the line.

    ``median`` is the page's median side; ``cap`` the most halo a box may claim.
    """

    cap: np.ndarray
    median: np.ndarray


def halo_cap(raws: list[RawBox]) -> PageHalo:
    """Return the most halo the page's boxes may claim at each distance from a border.

    The median over every side of the page is what the printed border looks like on
    this page through this scanner or camera; a box's own sub-pixel position spreads
    that by about as much above the median as below it, which the lower half of the
    sides shows whatever marks the upper half holds. A side whose median is darker
    than that (a circle drawn parallel to it, a filled box) keeps its ink: it is never
    taken for halo.
    """
    if not raws:
        none = np.zeros(2 * HALO_PX + 1, dtype=np.float32)
        return PageHalo(none, none)
    stacked = np.concatenate([r.profiles for r in raws])
    low, mid = np.percentile(stacked, [10, 50], axis=0)
    cap: np.ndarray = mid + np.maximum(HALO_SLACK, HALO_SPREAD * (mid - low))
    return PageHalo(cap, mid)


@lru_cache(maxsize=256)
def _halo_index(
    height: int, width: int, pad: int, bw: int, bh: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return where every column and every row of a patch reads the sides' profiles.

    A side's halo depends on one coordinate only: the left and right sides' on the
    column (index into the four profiles laid end to end, each followed by a zero, so a
    column further than ``HALO_PX`` from the line reads zero), along the rows of their
    span (the side's length and ``HALO_PX`` past its ends; 1.0 there, 0.0 elsewhere);
    the top and bottom sides' the other way round. Returns (columns' index (2, width),
    rows' index (2, height), the rows' span (height, 1), the columns' span (1, width)).
    Kept for the 256 geometries last used, so memory stays flat over a batch.
    """
    h = HALO_PX
    size = 2 * h + 2  # a profile and its zero
    xs, ys = np.arange(width), np.arange(height)

    def reach(number: int, d: np.ndarray) -> np.ndarray:
        return np.where(np.abs(d) <= h, d + h, 2 * h + 1) + number * size

    across_x = np.stack([reach(0, xs - pad), reach(1, pad + bw - xs)])
    across_y = np.stack([reach(2, ys - pad), reach(3, pad + bh - ys)])
    span_y = ((ys >= pad - h) & (ys <= pad + bh + h)).astype(np.float32)[:, None]
    span_x = ((xs >= pad - h) & (xs <= pad + bw + h)).astype(np.float32)[None, :]
    for array in (across_x, across_y, span_y, span_x):
        array.flags.writeable = False
    return across_x, across_y, span_y, span_x


def _halo(raw: RawBox, cap: np.ndarray) -> np.ndarray:
    """Return the depth the printed border alone gives every pixel of the patch."""
    h = HALO_PX
    # Blur and ringing fade away from the line: a side's halo never grows with distance
    # (what does grow is ink beside the line), and never exceeds the page's.
    fading = raw.profiles.copy()
    fading[:, h:] = np.minimum.accumulate(fading[:, h:], axis=1)
    fading[:, : h + 1] = np.minimum.accumulate(fading[:, h::-1], axis=1)[:, ::-1]
    profiles = np.clip(np.minimum(fading, cap), 0.0, None)
    profiles[:, h - 1 : h + 2] = 0.0  # the line itself is neither interior nor ring
    height, width = raw.depth.shape
    index = _halo_index(height, width, raw.pad, raw.bw, raw.bh)
    halo = _spread_sides(profiles, index, np.maximum)
    if raw.sharpened:
        # The light side of a sharpening halo, lighter than paper: never ink, taken out
        # as it is (the lightest side at each pixel).
        light = np.minimum(raw.profiles, 0.0)
        light[:, h - 1 : h + 2] = 0.0
        halo = halo + _spread_sides(light, index, np.minimum)
    return halo


def _spread_sides(
    profiles: np.ndarray,
    index: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    combine: np.ufunc,
) -> np.ndarray:
    """Lay the four sides' profiles over the patch, ``combine``-d at each pixel
    (``np.maximum``: the strongest dark side; ``np.minimum``: the lightest light side).

    A side's halo runs along its length, a little past its ends (the corners): of left
    and right along their rows, of top and bottom along their columns (0.0 outside a
    span is none: dark halos are never negative, light ones never positive).
    """
    across_x, across_y, span_y, span_x = index
    table = np.zeros((4, 2 * HALO_PX + 2), dtype=np.float32)
    table[:, :-1] = profiles
    flat = table.ravel()
    sides_x = combine.reduce(flat[across_x], axis=0)
    sides_y = combine.reduce(flat[across_y], axis=0)
    spread: np.ndarray = combine(sides_x[None, :] * span_y, sides_y[:, None] * span_x)
    return spread


def finish_box(raw: RawBox, halo: PageHalo) -> BoxMeasure:
    """Take the border's halo out of a box's depths and summarise interior and ring."""
    pad, bw, bh = raw.pad, raw.bw, raw.bh
    depth = raw.depth - _halo(raw, halo.cap)
    inset = _px(INSET_MM)
    interior = depth[pad + inset : pad + bh - inset, pad + inset : pad + bw - inset]
    inner = interior.ravel()
    soft = cv2.GaussianBlur(interior, (0, 0), SOFT_PX).ravel() if interior.size else inner
    ring = depth[raw.ring_mask]
    ring_sector = _sectors(depth.shape, pad)[raw.ring_mask]
    inner_median, inner_peak = _median_and_peak(inner)
    ring_median, ring_peak, ring_low = _median_and_peak(ring, 16)
    # Ink only darkens: the spread below the median is the scan's own noise, whatever
    # a circle or a stroke adds above it.
    noise = ring_median - ring_low if ring.size else 0.0
    return BoxMeasure(
        inner,
        ring,
        ring_sector,
        raw.border,
        inner_peak,
        ring_peak,
        inner_median,
        ring_median,
        noise,
        soft,
        (int(interior.shape[0]), int(interior.shape[1])),
        _robust_peak(soft) if soft.size else 0.0,
        _film(raw, halo),
        depth,
        raw.ring_mask,
        (pad, bw, bh),
    )


def _film(raw: RawBox, halo: PageHalo) -> float:
    """Return how much darker than the page's borders every side of a box is inside it.

    The least excess over the page's median side, at ``FILM_FROM_PX`` and more inward
    from the printed line, over the four sides: a stroke crosses a side over a few
    pixels and leaves its median alone, while a film over the whole box (what an eraser
    leaves) darkens every side all along. The halo taken out of a box's depths would
    take that film out with it near the border (see :func:`_halo`); this keeps it.
    """
    inside = HALO_PX + FILM_FROM_PX
    return float(np.min(raw.profiles[:, inside:] - halo.median[inside:]))


def _median_and_peak(values: np.ndarray, q: float | None = None) -> tuple[float, ...]:
    """Return a 1-D array's median and robust peak (and its ``q`` percentile), in one pass.

    The same values as ``_median(values, 0)``, :func:`_robust_peak` and :func:`_percentile`
    (0.0 for an empty array): one partition puts every order statistic they read in place.
    """
    n = values.size
    if n <= PEAK_RANK:
        if not n:
            return (0.0, 0.0, 0.0) if q is not None else (0.0, 0.0)
        return (float(_median(values, axis=0)), _robust_peak(values)) + (
            (_percentile(values, q),) if q is not None else ()
        )
    k = n // 2
    top = n - 1 - PEAK_RANK  # the 6th darkest pixel, counted from the lightest
    kth = [k - 1, k, top] if n % 2 == 0 else [k, top]
    if q is not None:
        at = (q / 100) * (n - 1)
        low = int(at)
        high = min(low + 1, n - 1)
        kth += [low, high]
    part = np.partition(values, sorted(set(kth)))
    # As _median takes it: the middle value, or the two middle ones' float32 mean.
    median = float(part[k]) if n % 2 else float((part[k - 1] + part[k]) / 2)
    out: tuple[float, ...] = (median, float(part[top]))
    if q is not None:
        a, b, t = float(part[low]), float(part[high]), at - low
        out += (a + (b - a) * t if t < 0.5 else b - (b - a) * (1 - t),)
    return out


@dataclass(frozen=True)
class Calibration:
    """The page's own paper and ink: how dark its empty boxes look.

    ``inner`` and ``ring`` are the lower-quartile robust peak depths of the page's box
    interiors and of the bands around them (at least a third of the boxes of any page are
    empty, so this is what an empty box looks like on this paper, under this light,
    through this scanner). A pixel
    more than ``TRACE_MARGIN`` darker than that is a trace a person would notice.
    """

    inner: float
    ring: float
    soft: float = 0.0  # the same for the smoothed interior, above the box's own median
    margin: float = TRACE_MARGIN  # how much darker than that is a trace on this page
    ring_margin: float = TRACE_MARGIN
    soft_margin: float = SOFT_MARGIN

    @property
    def inner_trace(self) -> float:
        """Return the depth above which an interior pixel is a trace."""
        return self.inner + self.margin

    @property
    def ring_trace(self) -> float:
        """Return the depth above which a pixel around the box is a trace."""
        return self.ring + self.ring_margin


def calibrate(measures: list[BoxMeasure]) -> Calibration:
    """Return the page's calibration from all its measured boxes.

    The lower quartile of the boxes' peaks, not the median: on a three-option form whose
    every item carries a stroke spilling into the next box, two boxes in three hold ink.
    The cap keeps a page marked all over from calibrating its ink as "empty"; the floor
    keeps a noiseless image (paper clipped to white) from calling the blurred edge of
    the printed border a trace.
    """
    if not measures:
        return Calibration(0.0, 0.0)
    inner, inner_margin = _level([m.peak for m in measures], CALIBRATION_FLOOR, TRACE_MARGIN)
    ring, ring_margin = _level([m.ring_peak for m in measures], CALIBRATION_FLOOR, TRACE_MARGIN)
    soft, soft_margin = _level([_soft_peak(m) for m in measures], 0.0, SOFT_MARGIN, SOFT_NARROWEST)
    return Calibration(inner, ring, soft, inner_margin, ring_margin, soft_margin)


def _level(
    peaks: list[float], floor: float, widest: float, narrowest: float = NARROWEST_MARGIN
) -> tuple[float, float]:
    """Return the empty level of a page's box peaks and the margin above it for a trace.

    The margin follows the page's own spread of empty boxes (median less the 10th
    percentile, most boxes being empty): a clean scan notices what a noisy photo must
    ignore. It never exceeds ``widest``, so a page marked all over is read no less
    carefully than with a fixed margin.
    """
    q = np.percentile(peaks, [10, CALIBRATION_Q, 50])
    level = min(CALIBRATION_CAP, max(floor, float(q[1])))
    margin = min(widest, max(narrowest, SPREAD_SIGMAS * float(q[2] - q[0])))
    return level, margin


def _body(m: BoxMeasure) -> float:
    """Return how far a box's darkest ``MARK_BODY_PX`` pixels stand above its median."""
    if m.inner.size <= MARK_BODY_PX:
        return m.peak - m.inner_median
    darkest = np.partition(m.inner, m.inner.size - MARK_BODY_PX)[-MARK_BODY_PX:]
    return float(darkest.mean()) - m.inner_median


def _darker_half(m: BoxMeasure) -> np.ndarray | None:
    """Return the pixels of a box's interior darker than half its mark's contrast, as the
    interior's grid (None for an interior too small or not a grid)."""
    rows, cols = m.shape
    if rows * cols != m.inner.size or rows < 3 or cols < 3:
        return None
    half = m.inner_median + (m.peak - m.inner_median) / 2
    return m.inner.reshape(rows, cols) > half


def _smeared(m: BoxMeasure) -> bool:
    """Return whether a light mark's darker half is a patch rather than a stroke.

    The pixels darker than half the mark's contrast form a line a stroke wide for a tick,
    a cross or a dot of pencil; a grey smear of graphite leaves a patch with room for a
    disc of ``SMUDGE_RADIUS_MM`` inside it, or of ``SMUDGE_PATCH_RADIUS_MM`` when the
    patch also fills ``SMUDGE_SOLIDITY`` of its convex hull.
    """
    core = _darker_half(m)
    if core is None:
        return False
    mask = core.astype(np.uint8)
    distance = cv2.distanceTransform(mask, cv2.DIST_L2, 3)
    room = float(distance.max())
    if room >= SMUDGE_RADIUS_MM * SCALE:
        return True
    if room < SMUDGE_PATCH_RADIUS_MM * SCALE:
        return False
    # The patch holding that disc, against the convex hull of its pixels.
    _count, labels = cv2.connectedComponents(mask, connectivity=8)
    y, x = np.unravel_index(int(np.argmax(distance)), distance.shape)
    patch = (labels == labels[y, x]).astype(np.uint8)
    hull = np.zeros_like(patch)
    cv2.fillConvexPoly(hull, cv2.convexHull(cv2.findNonZero(patch)), 1)
    return float(patch.sum()) >= SMUDGE_SOLIDITY * float(hull.sum())


def _along_a_side(m: BoxMeasure) -> bool:
    """Return whether a light mark's darker half runs along most of a side of the box
    (``SIDE_RUN``): a smear lying across that side, not a stroke crossing it."""
    core = _darker_half(m)
    if core is None:
        return False
    runs = (core[0].mean(), core[-1].mean(), core[:, 0].mean(), core[:, -1].mean())
    return float(max(runs)) >= SIDE_RUN


def _greyed(m: BoxMeasure) -> bool:
    """Return whether grey covers the whole interior of a box (what an eraser leaves).

    Strokes cover part of a box: its lightest tenth is paper, as light as the band
    around the box, and every side's median inside it is the page's. Rubbed-out
    graphite darkens all of it, along every side too (``film``).
    """
    if m.film > ERASED_FILM:
        return True
    return bool(m.inner.size) and _percentile(m.inner, 10) - m.ring_median > ERASED_FLOOR


def _soft_peak(m: BoxMeasure) -> float:
    return m.soft_peak - m.inner_median if m.soft.size else 0.0


def _uneven(m: BoxMeasure, *, lit: bool = False) -> bool:
    """Return whether the paper around a box is lit unevenly (a shadow's edge crosses it).

    A stroke or a circle covers at most half or so of each eighth of the band around the
    box, so every eighth's lower quartile stays paper; under a shadow's edge some eighths
    are paper and others darker all over.
    """
    # An eighth lighter than paper is not lit more brightly: it is the printed border's
    # halo taken out past the line, where a circle drawn close round the box raised the
    # halo its sides show. It counts as paper; with ``lit``, only down to UNEVEN_LIT.
    lows = [low if lit and low < -UNEVEN_LIT else max(low, 0.0) for low in _band_lows(m)]
    return len(lows) > 1 and max(lows) - min(lows) > UNEVEN_SECTORS


def _band_lows(m: BoxMeasure) -> list[float]:
    """Return the lower quartile of each eighth of the band around a box (paper's level)."""
    if not m.ring.size:
        return []
    order = np.argsort(m.ring_sector, kind="stable")
    bounds = np.searchsorted(m.ring_sector[order], np.arange(1, 8))
    return [float(np.percentile(part, 25)) for part in np.split(m.ring[order], bounds) if part.size]


def _band_covered(m: BoxMeasure) -> bool:
    """Return whether two eighths of the band around a box are dark all over.

    A circle's line covers part of each eighth it crosses, so their lower quartiles stay
    paper (at most 0.07 over 2,779 circles, 0.11 for one eighth of a crumpled page);
    a shadow's hard edge or a smear darkens whole eighths.
    """
    lows = sorted(_band_lows(m))
    return len(lows) > 1 and lows[-2] > CIRCLE_PAPER


def _shaded(m: BoxMeasure) -> bool:
    """Return whether a box read as marked has a shadow's edge across it (noisy and uneven)."""
    return m.noise > UNEVEN_NOISE / 2 and _uneven(m)


def _levels(m: BoxMeasure, cal: Calibration) -> tuple[float, float]:
    """Return the depths above which a pixel of a box's interior and of its band is a trace.

    Where the scan is noisier than on most of the page (JPEG blocks, a shadow), the
    box's own spread raises its trace level: a trace stands out of its own noise. The
    band around a box is mostly paper even when the box holds a mark. The raise is
    capped: a box is never blinder than the page by more than LOCAL_CAP.
    """
    local = m.ring_median + LOCAL_SIGMAS * m.noise
    if local > min(cal.inner_trace, cal.ring_trace) and m.ring.size:
        # Noise spreads the band's depths as much above their median as below; a spread
        # below far wider than above is the printed border's halo taken out past this
        # box's line (a circle drawn close round the box raises the halo its sides show),
        # not noise, and must not blind the box to that circle.
        upper = _percentile(m.ring, 84) - m.ring_median
        local = m.ring_median + LOCAL_SIGMAS * min(m.noise, NOISE_SKEW * upper)
    return _capped(cal.inner_trace, local), _capped(cal.ring_trace, local)


def _capped(page_level: float, local: float) -> float:
    """Return a box's trace level: its *local* one, never under the page's, never more
    than ``LOCAL_CAP`` over it."""
    return min(max(page_level, local), page_level + LOCAL_CAP)


def _box_state(m: BoxMeasure | None, cal: Calibration) -> tuple[str, str]:
    """Classify one box: (``filled``|``circled``|``empty``|``unsure``|``texture``, reason).

    ``empty`` only when neither the interior nor the band around the box holds more
    than noise; ``filled`` only for a confident dark stroke with some extent, or a light one
    drawn as a plain line (``PLAIN_LINE``);
    ``circled`` when a ring of trace surrounds an otherwise clean box; ``unsure`` with
    ``uneven_light`` when most of the band around the box is darker than paper (a
    shadow's edge across it); ``texture`` (with the reason it has unless its row's paper
    explains it) when the interior holds no trace but a smoothed one, or the band does.
    """
    if m is None or m.border < BORDER_PRESENT:
        return "unsure", "box_not_found"
    inner_level, ring_level = _levels(m, cal)
    # Most of the band around the box darker than a trace, or its paper far from even,
    # and eighths of the band differing all over: a shadow's edge or a band of uneven
    # light across the box (a thick circle darkens the band too, but not the paper
    # beside its line). The paper level then comes from the lit part and the shaded part
    # looks like ink all round (a "circle", a "filled" box): a person looks.
    # Paper this uneven is not a circle's halo (see UNEVEN_LIT): an eighth far lighter
    # than the box's paper is the lit side of a shadow's edge.
    if (m.ring_median > ring_level or m.noise > UNEVEN_NOISE) and _uneven(m, lit=True):
        return "unsure", "uneven_light"
    above = m.inner - inner_level
    inner_trace = int(np.count_nonzero(above > 0))
    ring_hits = m.ring > ring_level
    ring_trace = int(np.count_nonzero(ring_hits))
    mass = float(np.sum(above[above > 0])) / (SCALE * SCALE)  # mm² of full-depth ink
    outside = m.ring - ring_level
    ring_mass = float(np.sum(outside[outside > 0])) / (SCALE * SCALE)
    sectors = 0
    counts = np.zeros(8, dtype=np.intp)
    if ring_trace:
        counts = np.bincount(m.ring_sector[ring_hits], minlength=8)
        sectors = int(np.count_nonzero(counts >= SECTOR_PX))
    # A ring of trace around the box: a circle. Where it runs over the printed border it
    # may touch the interior, but most of its ink lies outside. Noise never makes rings.
    ringed = sectors >= CIRCLE_SECTORS and m.ring_peak - cal.ring >= CIRCLE_DEPTH
    if ringed and (inner_trace <= TRACE_PX or ring_mass >= CIRCLE_OUTSIDE * mass):
        if _shaded(m) or _band_covered(m):
            return "unsure", "uneven_light"
        if m.inner_median > inner_level:
            # The interior's median pixel is itself a trace: more than half the box is
            # grey, which a circle's line never makes (circles' medians stand at most
            # 0.021 above the page's empty boxes, 828 circles on nine page styles; a
            # graphite smear over a box and its band, read as a circle, 0.071).
            return "unsure", "smudge"
        if _round_eighths(counts) < CIRCLE_SECTORS:
            # Eighths of trace apart from the rest: ink that crosses the band from
            # outside it (a stray stroke reaching the box) beside something else that
            # darkens part of the band (a shadow's edge), not a line round the box.
            return "unsure", "mark_outside_box"
        if all(counts[side] < SECTOR_PX for side in SIDE_EIGHTHS):
            # Ink above the box and below it, none beside it: a smear under the box, the
            # ink of a row above or below reaching into the band; not a line round it.
            return "unsure", "mark_outside_box"
        if _ring_smooth(m, ring_level):
            return "unsure", "uneven_light"
        if sectors == CIRCLE_SECTORS and _ring_off_border(m, ring_level) <= CIRCLE_HUG_LEFT:
            return "unsure", "box_bent"
        if _open_side(m, inner_level, ring_level):
            # Nothing crosses the middle of the box on one side: not a line round it.
            return "unsure", "mark_outside_box"
        if _beyond_the_band(m, ring_level):
            # Trace along the row beyond the band at a side: a shadow, not a circle.
            return "unsure", "uneven_light"
        if _open_arc(counts):
            # A side of the box open over three eighths: not a line round it.
            return "unsure", "mark_outside_box"
        return "circled", ""
    # A mark stands out from the rest of its own box (an erased mark leaves a smudge
    # with ghost strokes barely darker than the smudge), or is plainly dark (a box
    # filled in, where little of the box is left to compare with).
    contrast = m.peak - m.inner_median
    plainly_dark = _plainly_dark(m, cal)
    standing_out = contrast >= MARK_CONTRAST or plainly_dark
    marked = standing_out and mass >= MARK_MASS
    if marked and not plainly_dark and _body(m) < MARK_BODY and not _plain_line(m, contrast):
        # The darkest grains stand out but the stroke under them is light: what an
        # eraser leaves of a pencil mark looks so, and so does a very light tick. Only a
        # person can tell them apart.
        return "unsure", "faint_mark"
    # A light mark that failed the contrast or mass limits but is drawn as a plain line
    # (see PLAIN_LINE) takes the same tests as a filled box.
    light_line = not marked and inner_trace > TRACE_PX and _plain_line(m, contrast)
    if marked or light_line:
        # A stroke that comes from outside and only reaches into the box is not a mark
        # in it: most of a tick or a cross lies inside its box.
        if ring_mass > OUTSIDE_SHARE * mass or (
            not plainly_dark
            and contrast < LIGHT_CONTRAST
            and ring_mass >= LIGHT_OUTSIDE_SHARE * mass
        ):
            return "unsure", "mark_outside_box"
        if _shaded(m):
            return "unsure", "uneven_light"
        if not plainly_dark and (_smeared(m) or _along_a_side(m)):
            return "unsure", "smudge"
        if not plainly_dark and _greyed(m):
            return "unsure", "erased"
        return "filled", ""
    # Faint but extended: a very light pencil stroke whose pixels each hide in the noise
    # stands out once its neighbourhood is averaged; noise does not.
    soft_trace = _soft_trace(m, cal)
    if inner_trace <= TRACE_PX and ring_trace <= TRACE_PX and soft_trace <= SOFT_PX_COUNT:
        return "empty", ""
    if inner_trace <= TRACE_PX:
        # Nothing inside the box but a smoothed trace, or a trace around it: the quiet
        # boxes of its row decide whether that is the paper's (see _settle_texture).
        return TEXTURE, "mark_outside_box" if ring_trace > TRACE_PX else "faint_mark"
    return "unsure", "faint_mark"


def _plain_line(m: BoxMeasure, contrast: float) -> bool:
    """Return whether a light-bodied mark is drawn as a plain line (see ``PLAIN_LINE``)."""
    stroke = _stroke(m)
    return stroke >= PLAIN_LINE and stroke >= PLAIN_LINE_SHARE * contrast


def _soft_trace(m: BoxMeasure, cal: Calibration) -> int:
    """Return how many pixels of a box's smoothed interior stand over the page's soft margin."""
    return int(np.count_nonzero(m.soft - m.inner_median > cal.soft + cal.soft_margin))


def _faint_and_lineless(m: BoxMeasure, cal: Calibration) -> bool:
    """Return whether a mark read as filled is faint, weak-bodied and holds no straight line.

    See ``FAINT_LINE_CONTRAST``: what an eraser leaves, a light dot or a blurred pencil
    patch, which only a person tells apart.
    """
    contrast = m.peak - m.inner_median
    if _plainly_dark(m, cal) or contrast >= FAINT_LINE_CONTRAST or _body(m) >= FAINT_LINE_BODY:
        return False
    return _stroke(m) < FAINT_LINE_RATIO * contrast


def _ring_smooth(m: BoxMeasure, ring_level: float) -> bool:
    """Return whether the ring of trace round a box is a smooth shade, not a line.

    The band's smooth part (a wide Gaussian) is taken out: a circle's line stands above
    ``CIRCLE_DETREND_LEVEL`` of the box's trace level and still goes round in
    ``CIRCLE_SECTORS`` eighths; a shadow fades into its surroundings and does not.
    """
    if m.patch is None or m.ring_mask is None:
        return False
    fine = m.patch - cv2.GaussianBlur(m.patch, (0, 0), CIRCLE_DETREND_MM * SCALE)
    hits = fine[m.ring_mask] > CIRCLE_DETREND_LEVEL * (ring_level - m.ring_median)
    counts = np.bincount(m.ring_sector[hits], minlength=8)
    return _round_eighths(counts) < CIRCLE_SECTORS


def _open_side(m: BoxMeasure, inner_level: float, ring_level: float) -> bool:
    """Return whether no trace crosses the middle of the box on its left or its right.

    Across the middle half of the box's height (``OPEN_SIDE_ROWS``), each side is the
    band beside the box (trace over ``ring_level``) and the half of the interior next to
    it (over ``inner_level``); the printed border and its blur, ``RING_IN_MM`` either side
    of the box's edge, are left out (a line along them cannot be told from them).
    """
    if m.patch is None:
        return False
    pad, bw, bh = m.frame
    edge = _px(RING_IN_MM)
    strip = m.patch[pad + round(bh * OPEN_SIDE_ROWS[0]) : pad + round(bh * OPEN_SIDE_ROWS[1])]
    band = strip > ring_level
    inside = strip > inner_level
    middle = pad + bw // 2
    left = np.count_nonzero(band[:, : pad - edge]) + np.count_nonzero(
        inside[:, pad + edge : middle]
    )
    right = np.count_nonzero(inside[:, middle : pad + bw - edge]) + np.count_nonzero(
        band[:, pad + bw + edge :]
    )
    return bool(left < SECTOR_PX and not _runs_out(m, ring_level, left=True)) or bool(
        right < SECTOR_PX and not _runs_out(m, ring_level, left=False)
    )


def _runs_out(m: BoxMeasure, ring_level: float, *, left: bool) -> bool:
    """Return whether trace leaves the band at its outer edge on one side of a box both
    above and below the middle half of its height (``OPEN_SIDE_ROWS``): a wide oval
    crossing the box's middle further out than the band reaches (see RUN_OUT_PX)."""
    if m.patch is None or m.ring_mask is None:
        return False
    pad, _bw, bh = m.frame
    rows = np.flatnonzero(m.ring_mask.any(axis=1))
    if not rows.size:
        return False
    edge = m.patch[:, :RUN_OUT_PX] if left else m.patch[:, -RUN_OUT_PX:]
    hits = edge > ring_level
    above = hits[rows[0] : pad + round(bh * OPEN_SIDE_ROWS[0])]
    below = hits[pad + round(bh * OPEN_SIDE_ROWS[1]) : rows[-1] + 1]
    return bool(np.count_nonzero(above) >= SECTOR_PX and np.count_nonzero(below) >= SECTOR_PX)


def _beyond_the_band(m: BoxMeasure, ring_level: float) -> bool:
    """Return whether trace lies beyond the band, left or right of it, along most of the row.

    Of the rows of the band (the row's height, ``ring_mask``), the share holding trace
    over ``ring_level`` beyond its outer edge (``RING_OUT_MM`` from the box) on the left,
    or on the right, reaches ``EDGE_COVER``.
    """
    if m.patch is None or m.ring_mask is None:
        return False
    pad, bw, _bh = m.frame
    reach = _px(RING_OUT_MM)
    rows = np.flatnonzero(m.ring_mask.any(axis=1))
    if not rows.size or pad - reach <= 0 or pad + bw + reach >= m.patch.shape[1]:
        return False
    band_rows = m.patch[rows[0] : rows[-1] + 1] > ring_level
    left = band_rows[:, : pad - reach].any(axis=1).mean()
    right = band_rows[:, pad + bw + reach :].any(axis=1).mean()
    return bool(max(left, right) >= EDGE_COVER)


def _open_arc(counts: np.ndarray) -> bool:
    """Return whether ``OPEN_ARC`` eighths in a row, the left or the right one among them,
    hold under ``SECTOR_PX`` trace pixels each (*counts*: trace pixels per eighth)."""
    bare = [int(c) < SECTOR_PX for c in counts]
    for side in SIDE_EIGHTHS:
        for first in range(side - OPEN_ARC + 1, side + 1):
            if all(bare[(first + k) % 8] for k in range(OPEN_ARC)):
                return True
    return False


def _ring_off_border(m: BoxMeasure, ring_level: float) -> int:
    """Return the round eighths of a box's ring once the trace that hugs the box is out.

    A patch of trace touching the band's inner edge and never further than
    ``CIRCLE_HUG_PX`` from it is where the printed border, bent on a crumpled page, runs
    into the band; a circle's line leaves the box further out somewhere along it.
    """
    if m.patch is None or m.ring_mask is None:
        return 8
    hits = ((m.patch > ring_level) & m.ring_mask).astype(np.uint8)
    count, labels = cv2.connectedComponents(hits, connectivity=8)
    reach = _outside_box(m.patch.shape, *m.frame) - _px(RING_IN_MM)
    traced = labels > 0
    label, away = labels[traced], reach[traced]
    nearest = np.full(count, np.iinfo(np.int32).max, dtype=np.int32)
    furthest = np.zeros(count, dtype=np.int32)
    np.minimum.at(nearest, label, away)
    np.maximum.at(furthest, label, away)
    hugging = (nearest <= 1) & (furthest <= CIRCLE_HUG_PX)
    hugging[0] = True  # the label of no trace
    keep = ~hugging[labels[m.ring_mask]]  # the band's pixels, in the order of ring_sector
    return _round_eighths(np.bincount(m.ring_sector[keep], minlength=8))


@lru_cache(maxsize=64)
def _outside_box(shape: tuple[int, int], pad: int, bw: int, bh: int) -> np.ndarray:
    """Return how far (px) every pixel of a patch lies outside the box (0 inside)."""
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]]
    across = np.maximum(pad - xx, xx - (pad + bw - 1))
    down = np.maximum(pad - yy, yy - (pad + bh - 1))
    far: np.ndarray = np.maximum(np.maximum(across, down), 0).astype(np.int32)
    far.flags.writeable = False
    return far


def _round_eighths(counts: np.ndarray) -> int:
    """Return how many eighths of the band around a box hold trace that goes round it.

    ``counts`` are the trace pixels of each eighth. A circle's line runs from eighth to
    eighth, so every eighth it makes a trace has a neighbour holding some of it too, even
    where a gap is left in the circle. A stroke from outside the band crosses it towards
    the box: an eighth holding trace while neither neighbour holds any is not part of a
    ring, and ``CIRCLE_SECTORS`` eighths that are make a circle.
    """
    traced = counts >= SECTOR_PX
    touched = counts > 0
    beside = np.roll(touched, 1) | np.roll(touched, -1)
    return int(np.count_nonzero(traced & beside))


def _texture_explains(m: BoxMeasure, cal: Calibration, others: list[BoxMeasure]) -> bool:
    """Return whether a box's smoothed trace and the trace around it are its row's paper.

    ``others`` are the row's other boxes that hold no trace inside (at most a smoothed
    one or one around them). Print showing through thin paper, a photo's grain or a
    crumpled sheet's facets darken a box, the band around it and the other boxes of its
    row alike; a light stroke darkens its own box (or its own surroundings). So the
    darkest part of the interior must stand no higher above its median than the band's
    above its own (give or take the box's noise, ``TEXTURE_SIGMAS``), and the box no
    more than the page's margins above the least textured of those other boxes (never
    less than above the page's level). On 898
    pages of one benchmark seed, 98 of the 114 boxes sent to review on a smoothed trace
    alone held no ink, and 10 of the 49 sent to review for a trace beside them with
    none inside were blank boxes under show-through or creases.
    """
    if (
        not others
        or m.ring_peak - m.ring_median > TEXTURE_INK
        or m.peak - m.inner_median > (m.ring_peak - m.ring_median + TEXTURE_SIGMAS * m.noise)
    ):
        return False
    soft = max(cal.soft, float(np.median([_soft_peak(o) for o in others]))) + cal.soft_margin
    if np.count_nonzero(m.soft - m.inner_median > soft) > SOFT_PX_COUNT:
        return False
    _inner_level, ring_level = _levels(m, cal)
    ring = max(ring_level, float(np.median([o.ring_peak for o in others])) + cal.ring_margin)
    return int(np.count_nonzero(m.ring > ring)) <= TRACE_PX


def _band_shade(m: BoxMeasure, cal: Calibration) -> bool:
    """Return whether the trace around a clean box is a smooth shade of the paper.

    A crumpled sheet's facets and uneven light darken part of the band round a box
    more than the rest, and its trace then lies around the box with nothing inside. A
    stroke or a circle is a line: it stands out of the paper right beside it. With the
    band's smooth part taken out (as in :func:`_ring_smooth`), a line keeps its depth,
    and a shade leaves no more than ``TRACE_PX`` pixels above the page's trace margin.
    The interior must hold no smoothed trace either.
    """
    if m.patch is None or m.ring_mask is None:
        return False
    if _soft_trace(m, cal) > SOFT_PX_COUNT:
        return False
    _inner_level, ring_level = _levels(m, cal)
    fine = m.patch - cv2.GaussianBlur(m.patch, (0, 0), CIRCLE_DETREND_MM * SCALE)
    return int(np.count_nonzero(fine[m.ring_mask] > ring_level - cal.ring)) <= TRACE_PX


def _specks_only(m: BoxMeasure, cal: Calibration) -> bool:
    """Return whether the trace around a clean box is a few specks standing alone in its band.

    See ``SPECK_COUNT``: toner specks of a photocopy, not a line. The interior must hold
    no smoothed trace either.
    """
    if m.patch is None or m.ring_mask is None:
        return False
    if _soft_trace(m, cal) > SOFT_PX_COUNT:
        return False
    rows = np.flatnonzero(m.ring_mask.any(axis=1))
    if not rows.size:
        return False
    _inner_level, ring_level = _levels(m, cal)
    # Everything outside the box's edge, within the row: a speck lies whole in it, a stroke
    # from outside runs on to the patch's edge (or the row's), and a dot on the printed
    # line shows its whole bulge past the line (or joins the line's own residue).
    pad, _bw, bh = m.frame
    reach = _px(RING_OUT_MM)
    top = int(rows[0]) if rows[0] > pad - reach else 0
    bottom = int(rows[-1]) + 1 if rows[-1] + 1 < pad + bh + reach else m.patch.shape[0]
    region = _outside_box(m.patch.shape, *m.frame) >= 1
    region[:top] = False
    region[bottom:] = False
    hits = ((m.patch > ring_level) & region).astype(np.uint8)
    _count, labels, stats, _centres = cv2.connectedComponentsWithStats(hits, connectivity=8)
    in_band = np.unique(labels[m.ring_mask & (labels > 0)])
    if not 1 <= in_band.size <= SPECK_COUNT:
        return False
    specks = stats[in_band]
    across = np.maximum(specks[:, cv2.CC_STAT_WIDTH], specks[:, cv2.CC_STAT_HEIGHT])
    if np.any(specks[:, cv2.CC_STAT_AREA] > SPECK_PX) or np.any(across > SPECK_ACROSS_PX):
        return False
    traced = np.isin(labels, in_band)
    return not (
        traced[top].any() or traced[bottom - 1].any() or traced[:, 0].any() or traced[:, -1].any()
    )


def _dark_beside(m: BoxMeasure, cal: Calibration, rings: list[float], i: int) -> bool:
    """Return whether an "empty" box has dark ink at its edge that its band barely shows.

    ``rings`` are the row's bands' robust peaks (0.0 where a box was not found). See
    ``BESIDE_DARK``: a dot on the printed line, not a speck.
    """
    others = [r for j, r in enumerate(rings) if j != i]
    return bool(others) and m.ring_peak - max(others) > BESIDE_DARK and not _specks_only(m, cal)


def _ring_of_its_own(curves: list[tuple[float, float]], i: int) -> bool:
    """Return whether box *i* has a thin ring round it that stands out of its row's.

    A faint circle's line, 0.05-0.07 deep on a noisy page, stays under the level that
    :func:`_band_shade` counts a line at, and its band would be read as a shade. Read as a
    ring (``curves``: the row's :func:`_row_curves`), it stands out of the row's other
    boxes where a shade does not: by ``SHADE_RING_MARGIN`` and ``SHADE_RING_RATIO`` times
    in either shape, under the margins that send a box of a blank row to a person, since
    here it only keeps a doubtful box doubtful.
    """
    return _curve_outlier(curves, i, SHADE_RING_MARGIN, SHADE_RING_RATIO)


def _settle_texture(
    states: list[tuple[str, str]], measures: list[BoxMeasure | None], cal: Calibration
) -> list[tuple[str, str]]:
    """Decide the boxes left to their row (``TEXTURE``): empty, or unsure as they were."""
    row_size = sum(o is not None for o in measures)
    curves: list[tuple[float, float]] | None = None  # the row's rings, measured once if asked
    out = []
    for i, ((state, reason), m) in enumerate(zip(states, measures, strict=True)):
        if state == TEXTURE:
            quiet = [
                o
                for j, o in enumerate(measures)
                if o is not None and j != i and states[j][0] in ("empty", TEXTURE)
            ]
            paper = m is not None and row_size >= 3 and _texture_explains(m, cal, quiet)
            if not paper and m is not None and reason == "mark_outside_box":
                paper = _band_shade(m, cal) or _specks_only(m, cal)
                if paper and row_size >= 3:
                    curves = curves if curves is not None else _row_curves(measures)
                    paper = not _ring_of_its_own(curves, i)
            state, reason = ("empty", "") if paper else ("unsure", reason)
        out.append((state, reason))
    return out


def _against_the_row(
    states: list[tuple[str, str]], measures: list[BoxMeasure | None], cal: Calibration
) -> list[tuple[str, str]]:
    """Send an "empty" box to review when it is plainly darker than the rest of its row.

    The page's trace margin is learnt from all its boxes; on a page with many marks it
    widens, and a very light tick on clean paper can stay under it. The other boxes of
    the same item are the nearest paper printed and scanned alike: a box whose darkest
    part stands ``ROW_MARGIN`` (and several times its own noise) above theirs holds
    something a person would see. Boxes whose only trace is smoothed or around them are
    first settled against the same row (:func:`_settle_texture`); those found to be
    paper are tested so too.
    """
    states = _settle_texture(states, measures, cal)
    if sum(m is not None for m in measures) < 3:
        return states
    states = _circles_of_the_row(states, measures, cal)
    peaks = [m.peak if m is not None else 0.0 for m in measures]
    softs = [m.soft_peak if m is not None else 0.0 for m in measures]
    rings = [m.ring_peak if m is not None else 0.0 for m in measures]
    # The tests of faint strokes on a row with no mark look at blank rows of whole boxes
    # only (the line filter costs more than every other test).
    blank_row = all(state == "empty" for state, _r in states) and None not in measures
    strokes = [_stroke(m) for m in measures if m is not None] if blank_row else []
    noises = [m.noise for m in measures if m is not None] if blank_row else []
    longs = [_stroke(m, LONG_STROKE_PX) for m in measures if m is not None] if blank_row else []
    curves = _ring_curves(measures, rings) if blank_row else []
    out = []
    for i, ((state, reason), m) in enumerate(zip(states, measures, strict=True)):
        if m is not None and state in ("filled", "empty"):
            row = [o for j, o in enumerate(measures) if o is not None and j != i]
        if state == "filled" and m is not None:
            rubbed = _rubbed_out(m, cal, row)
            if rubbed:
                state, reason = "unsure", rubbed
        elif state == "empty" and m is not None:
            others = [j for j, o in enumerate(measures) if o is not None and j != i]
            if _circle_in_own_noise(m, cal, row) or _dark_beside(m, cal, rings, i):
                out.append(("unsure", "mark_outside_box"))
                continue
            darker = peaks[i] - float(np.median([peaks[j] for j in others]))
            # A light stroke on a noisy photo hides in the pixels' noise but not once its
            # neighbourhood is averaged: the smoothed interior against the row's.
            softer = softs[i] - float(np.median([softs[j] for j in others]))
            if (
                darker > max(ROW_MARGIN, ROW_SIGMAS * m.noise)
                or softer > max(ROW_SOFT_MARGIN, ROW_SOFT_SIGMAS * m.noise)
                or _alone_in_the_row(m, row)
                or (
                    all(states[j][0] == "empty" for j in others)
                    and _row_outlier(
                        m,
                        [peaks[j] for j in others],
                        [softs[j] for j in others],
                        [rings[j] for j in others],
                    )
                )
                or (blank_row and _stroke_outlier(strokes, noises, i))
                or (blank_row and _long_stroke_outlier(longs, i))
                or (blank_row and _coherent_outlier(measures, strokes, i))
                or (blank_row and _raised_interior(m, row))
            ):
                state, reason = "unsure", "faint_mark"
            elif curves and _curve_outlier(curves, i):
                state, reason = "unsure", "mark_outside_box"
        out.append((state, reason))
    return out


def _plainly_dark(m: BoxMeasure, cal: Calibration) -> bool:
    """Return whether a box's darkest part is ``DARK_MARK`` darker than the page's empty boxes."""
    return m.peak - cal.inner >= DARK_MARK


def _rubbed_out(m: BoxMeasure, cal: Calibration, row: list[BoxMeasure]) -> str | None:
    """Return why a light mark read as filled goes to a person as what an eraser leaves:
    ``erased`` on a grey film, ``faint_mark`` just under the film and faint-line tests at
    once (see ERASED_NEAR); None for a mark.

    A stroke leaves paper between its lines, as light as the paper around the box and
    as the other boxes of its row; rubbed-out graphite greys the whole interior. The
    band around the box and the row are both references: the eraser's smear may reach
    the band's inner part, a shadow may lie over part of the row, seldom both.
    """
    if _plainly_dark(m, cal) or not m.inner.size or not m.ring.size:
        return None
    interiors = [o.inner for o in row if o.inner.size]
    body = _body(m)
    if not interiors or body >= ERASED_BODY:
        return None
    band = _percentile(m.ring, 10)
    others = float(np.median([_percentile(inner, 10) for inner in interiors]))
    film = _percentile(m.inner, 10) - (band + others) / 2
    if film > ERASED_ABOVE_PAPER:
        return "erased"
    contrast = m.peak - m.inner_median
    if (
        film > ERASED_NEAR * ERASED_ABOVE_PAPER
        and contrast < FAINT_LINE_CONTRAST
        and body < FAINT_LINE_BODY
        and _stroke(m) < FAINT_LINE_RATIO / ERASED_NEAR * contrast
    ):
        return "faint_mark"
    return None


def _standing(m: BoxMeasure) -> float:
    """Return how many times its own noise a box's darkest part stands above its median."""
    return (m.peak - m.inner_median) / max(m.noise, ROW_ALONE_NOISE)


def _alone_in_the_row(m: BoxMeasure, others: list[BoxMeasure]) -> bool:
    """Return whether an "empty" box stands out of its own paper as no other of its row.

    Comparing peaks across the row fails where some boxes lie under shading (their grain
    stands higher); each box against its own paper and noise does not.
    """
    standing = _standing(m)
    return (
        standing >= ROW_ALONE_SIGMAS
        and m.peak - m.inner_median >= ROW_ALONE_MARGIN
        and all(ROW_ALONE_RATIO * _standing(o) <= standing for o in others)
    )


def _circle_in_own_noise(m: BoxMeasure, cal: Calibration, others: list[BoxMeasure]) -> bool:
    """Return whether an "empty" box has a faint circle round it that its noise hid.

    A circle's line widens the spread of the band's depths both ways, which the box then
    takes for its own noise: its trace level rises to the cap and a faint circle drawn
    round it stays under it (seed 4744: the band's robust peak 0.064 under a level of
    0.066, its noise 0.036 against 0.010 for the row's other boxes). So a box whose band
    stands ``ROW_MARGIN`` (and ``ROW_SIGMAS`` times the row's noise) above the row's
    bands while its own noise is ``ROW_NOISE_SKEW`` times the row's is read again with
    the row's noise: if the trace then goes round it in ``CIRCLE_SECTORS`` eighths, a
    person looks. Of 22 empty boxes of 500 copies (seed 4746) whose band and noise stood
    out so, none went round in more than four eighths (the first box's band beside the
    item's text, a crumpled page's facets); the circle went round in five. A fainter
    circle, with less noise of its own, is read again lower, and counts only where the
    row's other boxes do not go round at that level too (``FAINT_CIRCLE_SIGMAS``).
    """
    # Most boxes leave at the first test; the row's medians of a handful of values are
    # taken in plain Python (NumPy's median costs far more on so few).
    around = m.ring_peak - statistics.median(o.ring_peak for o in others)
    if around <= ROW_MARGIN:
        return False
    row_noise = statistics.median(o.noise for o in others)
    if around <= ROW_SIGMAS * row_noise or m.noise <= FAINT_CIRCLE_SKEW * row_noise:
        return False
    if m.noise > ROW_NOISE_SKEW * row_noise:
        level = _capped(cal.ring_trace, m.ring_median + LOCAL_SIGMAS * row_noise)
        if _round_eighths(_ring_counts(m, level)) >= CIRCLE_SECTORS:
            return True
    # Fainter still: a pencil circle keeping 0.04-0.05 of depth, under the page's trace
    # level (a crumpled page's) or under five times the row's noise. Read at three times
    # it, the band goes round; a crumple, a rule or the item's text beside the row then
    # makes part rings round other boxes too, where a circle is the box's own.
    level = m.ring_median + FAINT_CIRCLE_SIGMAS * row_noise
    if _round_eighths(_ring_counts(m, level)) < CIRCLE_SECTORS:
        return False
    return all(
        _round_eighths(_ring_counts(o, o.ring_median + FAINT_CIRCLE_SIGMAS * row_noise))
        <= FAINT_CIRCLE_OTHERS
        for o in others
    )


def _ring_counts(m: BoxMeasure, ring_level: float) -> np.ndarray:
    """Return how many pixels of each eighth of the band around a box are above *ring_level*."""
    hits = m.ring > ring_level
    counts: np.ndarray = np.bincount(m.ring_sector[hits], minlength=8)
    return counts


def _circles_of_the_row(
    states: list[tuple[str, str]], measures: list[BoxMeasure | None], cal: Calibration
) -> list[tuple[str, str]]:
    """Send a box read as circled to review when its ring is mostly its row's.

    A circle's line makes the eighths of the band it crosses a trace; so do a fold, a
    crease or a rule running along the row below or above every box of it. An eighth
    counts for a circle only where the box holds more than ``CIRCLE_OWN`` times the trace
    the other boxes of its row hold there (their median), at the box's own trace level; a
    box left with fewer than ``CIRCLE_SECTORS`` such eighths has ink beside it, not round
    it. A fold's faint line under a row made trace under two boxes and none under the
    three others, whose noisier paper raised their levels over it; with a stray stroke
    reaching the first box's corner, that box went round five eighths, all its own, and
    was counted as a vote (seed 4878, copy 15923). Measured at its level, the three
    others hold the line too. Of 14,368 circles of a circles-only sample (seed 11, seven
    page styles), none is read otherwise.
    """
    if not any(state == "circled" for state, _r in states):
        return states
    out = []
    for i, (state, reason) in enumerate(states):
        m = measures[i]
        if state == "circled" and m is not None:
            # The row's boxes are measured at this box's own trace level: a box whose
            # level is higher (its paper noisier) would hide a line this level shows.
            level = _levels(m, cal)[1]
            own = _ring_counts(m, level)
            others = [
                _ring_counts(o, level) for j, o in enumerate(measures) if o is not None and j != i
            ]
            row = np.median(np.stack(others), axis=0)
            mine = (own >= SECTOR_PX) & (own > CIRCLE_OWN * row)
            if int(np.count_nonzero(mine)) < CIRCLE_SECTORS:
                state, reason = "unsure", "mark_outside_box"
        out.append((state, reason))
    return out


@lru_cache(maxsize=2)
def _stroke_kernels(length: int = STROKE_PX) -> tuple[np.ndarray, ...]:
    """Return the line filters of :func:`_stroke`: a segment's mean less its flanks' mean."""
    reach = int(np.ceil(max(length / 2, STROKE_FLANKS[1]))) + 1
    ys, xs = np.mgrid[-reach : reach + 1, -reach : reach + 1].astype(np.float32)
    kernels = []
    for n in range(STROKE_ANGLES):
        if n % (STROKE_ANGLES // 2) == 0:
            continue  # along the printed border: its halo's edge is a line too
        angle = n * np.pi / STROKE_ANGLES
        along = xs * np.cos(angle) + ys * np.sin(angle)
        across = np.abs(ys * np.cos(angle) - xs * np.sin(angle))
        within = np.abs(along) <= length / 2
        line = within & (across <= STROKE_HALF_WIDTH)
        flank = within & (across >= STROKE_FLANKS[0]) & (across <= STROKE_FLANKS[1])
        kernels.append((line / line.sum() - flank / flank.sum()).astype(np.float32))
    return tuple(kernels)


def _stroke(m: BoxMeasure, length: int = STROKE_PX) -> float:
    """Return the strength of the strongest straight line of *length* pixels in a box's
    interior (see STROKE_PX and LONG_STROKE_PX)."""
    rows, cols = m.shape
    if rows <= 2 * STROKE_EDGE_PX or cols <= 2 * STROKE_EDGE_PX:
        return 0.0
    interior = m.inner.reshape(rows, cols).astype(np.float32)
    kernels = _stroke_kernels(length)
    # Beyond the interior, paper at its median: the border's halo was taken out already.
    # Padded so that the filter's valid positions are the segment centres wanted.
    pad = kernels[0].shape[0] // 2 - STROKE_EDGE_PX
    padded = cv2.copyMakeBorder(
        interior, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=m.inner_median
    )
    best = 0.0
    for kernel in kernels:
        response = cv2.matchTemplate(padded, kernel, cv2.TM_CCORR).ravel()
        best = max(
            best, float(np.partition(response, response.size - 1 - STROKE_RANK)[-1 - STROKE_RANK])
        )
    return best


def _stroke_outlier(strokes: list[float], noises: list[float], i: int) -> bool:
    """Return whether box *i* holds a line plainly stronger than every other box of its
    row (``strokes`` and ``noises``: every box's :func:`_stroke` and noise)."""
    others = [s for j, s in enumerate(strokes) if j != i]
    mine, strongest, noise = strokes[i], max(others), noises[i]
    if mine - strongest > STROKE_MARGIN and (
        mine > STROKE_RATIO * strongest
        or (
            mine > STROKE_NOISY_RATIO * strongest
            and mine > STROKE_MEDIAN_RATIO * statistics.median(others)
            and mine > STROKE_NOISE_RATIO * noise
        )
    ):
        return True
    # Each line in its own box's noise (see STROKE_SNR_FLOOR).
    snr = [s / max(n, STROKE_SNR_FLOOR) for s, n in zip(strokes, noises, strict=True)]
    # The margin over the lines that stand out of their own box's grain (STROKE_SNR_OWN).
    standing = [s for j, s in enumerate(strokes) if j != i and snr[j] >= STROKE_SNR_OWN]
    reference = max(standing) if standing else statistics.median(others)
    if mine - reference <= STROKE_SNR_MARGIN:
        return False
    strongest_snr = max(x for j, x in enumerate(snr) if j != i)
    if snr[i] > STROKE_SNR and snr[i] > STROKE_SNR_RATIO * strongest_snr:
        return True
    # Just under every limit at once (see STROKE_NEAR), the line against the same lines.
    return (
        mine > STROKE_NEAR * STROKE_RATIO * reference
        and snr[i] > STROKE_NEAR * STROKE_SNR
        and snr[i] > STROKE_NEAR * STROKE_SNR_RATIO * strongest_snr
    )


def _long_stroke_outlier(longs: list[float], i: int) -> bool:
    """Return whether box *i* holds a line across it plainly stronger than every other
    box of its row holds (``longs``: every box's :func:`_stroke` over
    ``LONG_STROKE_PX``). See ``LONG_STROKE_RATIO``."""
    mine, strongest = longs[i], max(s for j, s in enumerate(longs) if j != i)
    return mine - strongest > LONG_STROKE_MARGIN and mine > LONG_STROKE_RATIO * strongest


def _coherent_outlier(measures: list[BoxMeasure | None], strokes: list[float], i: int) -> bool:
    """Return whether box *i* of a blank row stands above the others in every measure.

    ``measures`` are the row's boxes (all present: blank rows of whole boxes only) and
    ``strokes`` their :func:`_stroke` strengths. See ``COHERENT_SIGMAS``.
    """
    boxes = [m for m in measures if m is not None]
    m = boxes[i]
    others = boxes[:i] + boxes[i + 1 :]
    noise = max(m.noise, COHERENT_NOISE_FLOOR)
    excess = (
        m.peak - statistics.median(o.peak for o in others),
        m.soft_peak - statistics.median(o.soft_peak for o in others),
        strokes[i] - max(strokes[:i] + strokes[i + 1 :]),
        m.inner_median - statistics.median(o.inner_median for o in others),
    )
    # One tick makes its box the darkest of a blank row; a line of the back's print
    # crossing the row lifts two boxes or more alike.
    return m.peak > max(o.peak for o in others) and min(
        w * e for w, e in zip(COHERENT_WEIGHTS, excess, strict=True)
    ) > (COHERENT_SIGMAS * noise)


def _ring_curves(
    measures: list[BoxMeasure | None], rings: list[float]
) -> list[tuple[float, float]]:
    """Return every box's :func:`_ring_curve` when a box's band stands ``RING_CURVE_GATE``
    above the rest of its blank row, else nothing (``rings``: the bands' robust peaks)."""
    gate = max(rings[i] - statistics.median(rings[:i] + rings[i + 1 :]) for i in range(len(rings)))
    if gate <= RING_CURVE_GATE:
        return []
    return _row_curves(measures)


def _row_curves(measures: list[BoxMeasure | None]) -> list[tuple[float, float]]:
    """Return every box's :func:`_ring_curve` (zeros for a box not measured)."""
    return [_ring_curve(m) if m is not None else (0.0, 0.0) for m in measures]


def _curve_outlier(
    curves: list[tuple[float, float]],
    i: int,
    margin: float = RING_CURVE_MARGIN,
    ratio: float = RING_CURVE_RATIO,
) -> bool:
    """Return whether box *i* has a ring round it stronger than every other box of its row
    by *margin* and *ratio* times, in either ring shape (see ``RING_CURVE_MARGIN`` and
    ``RING_CURVE_WANDER``)."""
    for shape, mine in enumerate(curves[i]):
        strongest = max(c[shape] for j, c in enumerate(curves) if j != i)
        if mine - strongest > margin and mine > ratio * strongest:
            return True
    return False


# A page's boxes come in a few patch shapes; each entry holds nine index arrays of a patch
# (about 32 KB each).
@lru_cache(maxsize=32)
def _ring_geometry(
    shape: tuple[int, int], pad: int, bw: int, bh: int, step: int
) -> tuple[np.ndarray, tuple[tuple[np.ndarray, int, np.ndarray], ...], range]:
    """Return where the rings of :func:`_ring_curve` lie in a box's patch: the pixels kept
    (not on the printed border), and for each centre tried their (ring, eighth) index, the
    number of rings and the pixels of each (ring, eighth); and the rings whose contrast
    counts. Rings are *step* pixels wide."""
    rows, cols = shape
    ys, xs = np.mgrid[0:rows, 0:cols].astype(np.float32)
    x0, x1, y0, y1 = pad - 0.5, pad + bw - 0.5, pad - 0.5, pad + bh - 0.5
    along_x = (xs >= x0) & (xs <= x1)
    along_y = (ys >= y0) & (ys <= y1)
    off_x = np.minimum(np.abs(xs - x0), np.abs(xs - x1))
    off_y = np.minimum(np.abs(ys - y0), np.abs(ys - y1))
    on_border = ((off_x <= RING_CURVE_BORDER_PX) & along_y) | (
        (off_y <= RING_CURVE_BORDER_PX) & along_x
    )
    keep = ~on_border
    kx, ky = xs[keep], ys[keep]
    centres = []
    shifts = (-RING_CURVE_SHIFT_PX, 0, RING_CURVE_SHIFT_PX)
    for dx in shifts:
        for dy in shifts:
            x = kx - (pad + bw / 2 - 0.5 + dx)
            y = ky - (pad + bh / 2 - 0.5 + dy)
            ring = (np.hypot(x, y) / step).astype(np.int64)
            index = ring * 8 + _eighths(y, x)
            count = int(ring.max()) + 1
            pixels = np.bincount(index, minlength=count * 8).reshape(count, 8)
            centres.append((index, count, pixels))
    first = max(int(RING_CURVE_RADII[0] * bw / step), 2)
    last = int(RING_CURVE_RADII[1] * bw / step)
    return keep, tuple(centres), range(first, last + 1)


def _ring_curve(m: BoxMeasure) -> tuple[float, float]:
    """Return the contrast of the strongest ring round a box in its two shapes (see
    ``RING_CURVE_WANDER``): how much darker than the rings beside it it is in its
    CIRCLE_SECTORS-th darkest eighth, thin rings whose eighths may wander, then wide rings."""
    if m.patch is None:
        return (0.0, 0.0)
    return (
        _ring_contrast(m, RING_CURVE_STEP_PX, RING_CURVE_WANDER),
        _ring_contrast(m, RING_CURVE_WIDE_PX, 0),
    )


def _ring_contrast(m: BoxMeasure, step: int, wander: int) -> float:
    """Return the strongest ring's contrast for rings *step* pixels wide, each eighth taken
    at its best ring within *wander* rings of the common one."""
    assert m.patch is not None
    keep, centres, rings = _ring_geometry(m.patch.shape, *m.frame, step)
    depth = m.patch[keep].astype(np.float64)
    best = 0.0
    for index, count, pixels in centres:
        last = min(rings.stop, count - 2)
        if last <= rings.start:
            continue
        sums = np.bincount(index, weights=depth, minlength=count * 8).reshape(count, 8)
        mean = np.where(pixels >= 2, sums / np.maximum(pixels, 1), np.nan)
        k = np.arange(rings.start, last)
        contrast = mean[k] - 0.5 * (mean[k - 2] + mean[k + 2])
        # An eighth without pixels (the patch's edge) counts as no contrast.
        contrast = np.where(np.isnan(contrast), -np.inf, contrast)
        if wander:
            padded = np.pad(contrast, ((wander, wander), (0, 0)), constant_values=-np.inf)
            contrast = np.max([padded[d : d + len(k)] for d in range(2 * wander + 1)], axis=0)
        reached = np.sort(contrast, axis=1)[:, -CIRCLE_SECTORS]
        if reached.size:
            best = max(best, float(reached.max()))
    return best


def _raised_interior(m: BoxMeasure, others: list[BoxMeasure]) -> bool:
    """Return whether a box of a blank row holds a broad faint stroke (see ``ROW_RAISED``).

    ``others`` are the row's other boxes. The box is the darkest of its row, and its
    interior's median stands above its own band's, and above the others' interiors, by
    more than the row's other boxes show.
    """
    if m.peak <= max(o.peak for o in others):
        return False
    lift = (m.inner_median - m.ring_median) - statistics.median(
        o.inner_median - o.ring_median for o in others
    )
    return (
        lift > ROW_RAISED
        and m.inner_median - statistics.median(o.inner_median for o in others) > ROW_RAISED
    )


def _row_outlier(m: BoxMeasure, peaks: list[float], softs: list[float], rings: list[float]) -> bool:
    """Return whether a box stands out from every other box of its row, and only inside.

    ``peaks``, ``softs`` and ``rings`` are the other boxes' robust peaks of interior,
    smoothed interior and band. A very light tick leaves the band around its box as
    the row's; a crease, a fold's shadow or a crumple darkens it as well.
    """
    beyond = m.peak - max(peaks)
    return (
        beyond > max(ROW_OUTLIER, m.noise)
        and m.soft_peak - max(softs) > ROW_OUTLIER_SOFT
        and m.ring_peak <= max(rings)
    )


def classify(item_key: str, measures: list[BoxMeasure | None], cal: Calibration) -> ItemReading:
    """Decide an item from its boxes: one clear mark, no mark, or ambiguous with a reason."""
    states = _against_the_row([_box_state(m, cal) for m in measures], measures, cal)
    # Last, once the row has named what it can (an eraser's film: "erased"), a faint mark
    # without a line goes to a person whatever the row's size.
    states = [
        ("unsure", "faint_mark")
        if state == "filled" and m is not None and _faint_and_lineless(m, cal)
        else (state, reason)
        for (state, reason), m in zip(states, measures, strict=True)
    ]
    fills = tuple(
        round(np.count_nonzero(m.inner > cal.inner + MARK_CONTRAST) / m.inner.size, 3)
        if m is not None and m.inner.size
        else 1.0
        for m in measures
    )
    marked = [i for i, (s, _r) in enumerate(states) if s in ("filled", "circled")]
    unsure = [r for s, r in states if s == "unsure"]
    if not unsure and len(marked) == 1:
        return ItemReading(item_key, "marked", marked[0], fills)
    if not unsure and not marked:
        return ItemReading(item_key, "empty", None, fills)
    if len(marked) >= 2:
        blacked = [i for i in marked if fills[i] >= BLACKED_OUT]
        reason = "correction" if blacked and len(blacked) < len(marked) else "several_marks"
        return ItemReading(item_key, "ambiguous", None, fills, reason)
    return ItemReading(item_key, "ambiguous", None, fills, unsure[0])


def crop_rect(page: np.ndarray, rect: Rect) -> np.ndarray:
    """Return a copy of *rect* (page millimetres) of a page on the canonical raster."""
    return page[_px(rect.y) : _px(rect.y + rect.h), _px(rect.x) : _px(rect.x + rect.w)].copy()


def _comment_ink(crop: np.ndarray) -> bool:
    """Return whether the comment area holds handwriting (a thin pen counts).

    Measured at the canonical resolution: reducing the area first would thin a 0.25 mm
    stroke into the paper and lose a comment without a word.
    """
    inset = _px(1.5)
    inner = crop[inset:-inset, inset:-inset]
    if inner.size == 0:
        return False
    paper = float(np.percentile(inner[::4, ::4], 90))
    if paper < MIN_PAPER:
        return True
    depth = 1.0 - cv2.GaussianBlur(inner.astype(np.float32), (0, 0), 0.7) / paper
    return float(np.mean(depth > COMMENT_DEPTH)) > COMMENT_INK


def _refuse_bilevel(gray: np.ndarray) -> None:
    """Refuse a black-and-white (1-bit) image: light pencil was lost when it was made.

    A greyscale scan or photo has grey levels between paper and ink (paper grain,
    pencil, the edges of print); a binarised one has almost none.
    """
    sample = np.ascontiguousarray(gray[::3, ::3])
    mid = cv2.countNonZero(cv2.inRange(sample, BILEVEL_LOW + 1, BILEVEL_HIGH - 1))
    if mid < BILEVEL_SHARE * sample.size:
        raise PageRefused("bilevel")


def _refuse_low_contrast(
    gray: np.ndarray, matrix: np.ndarray, markers: dict[int, np.ndarray]
) -> None:
    """Refuse a washed-out image: the printed black of the markers barely differs from paper."""
    inks, papers = [], []
    for pts in markers.values():
        x0, y0 = np.floor(pts.min(axis=0)).astype(int)
        x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
        w, h = x1 - x0, y1 - y0
        crop = gray[max(0, y0 - h // 2) : y1 + h // 2, max(0, x0 - w // 2) : x1 + w // 2]
        if crop.size:
            ink, paper = np.percentile(crop, (5, 95))
            inks.append(float(ink))
            papers.append(float(paper))
    if not inks:
        return
    ink, paper = float(np.median(inks)), float(np.median(papers))
    if paper <= 0 or (paper - ink) / paper < MIN_CONTRAST:
        raise PageRefused("low_contrast", f"{ink:.0f}/{paper:.0f}")


def _paper_profile(area: np.ndarray) -> np.ndarray:
    """Return the paper's brightness along the rows of ``area`` (float32, one per row).

    The area is cut into 1 mm blocks across; the 80th percentile of the blocks' means is
    the paper there, whatever print or marks cover up to a fifth of the row.
    """
    blocks = max(1, round(area.shape[1] / SCALE))
    means = cv2.resize(area, (blocks, area.shape[0]), interpolation=cv2.INTER_AREA)
    k = min(blocks - 1, int(0.8 * blocks))
    profile: np.ndarray = np.partition(means, k, axis=1)[:, k].astype(np.float32)
    return profile


def _dips(profile: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return a profile's paper without its thin dark lines, and how much they lower it.

    A morphological closing over 5 mm fills dips narrower than that (a crease, a printed
    rule) and keeps broad changes (a shadow, uneven light) and steps as they are. The
    second array is the factor that brings the paper back (1 where there is no dip).
    """
    size = _px(5.0) | 1
    closed = _running(_running(profile, size, np.maximum, -np.inf), size, np.minimum, np.inf)
    factor: np.ndarray = closed / np.maximum(profile, 1.0)
    return closed, factor


def _near(mask: np.ndarray, reach: int) -> np.ndarray:
    """Return ``mask`` widened by ``reach`` places either way."""
    return _running(mask.astype(bool), 2 * reach + 1, np.logical_or, False)


def _running(values: np.ndarray, size: int, op: np.ufunc, fill: float) -> np.ndarray:
    """Return ``op`` (maximum, minimum, or) over a centred window of odd ``size`` at each place.

    What OpenCV's dilation or erosion by a line of ``size`` does to a 1-D array (places
    beyond the ends take no part), as a few whole-array operations: windows of 2, 4, 8 …
    places, then two overlapping ones. Many short profiles are taken a page; OpenCV's
    own set-up for each costs more than this.
    """
    edge = np.full(size // 2, fill, values.dtype)
    window = np.concatenate([edge, values, edge])
    width = 1
    while 2 * width <= size:
        window = op(window[:-width], window[width:])
        width *= 2
    n = values.size
    result: np.ndarray = op(window[:n], window[size - width : size - width + n])
    return result


def _split(start: int, stop: int, size: int) -> list[tuple[int, int]]:
    """Return ``[start, stop)`` cut into equal parts of about ``size`` (at least one)."""
    count = max(1, round((stop - start) / size))
    edges = np.linspace(start, stop, count + 1).round().astype(int)
    return [(int(a), int(b)) for a, b in pairwise(edges) if b > a]


def _flatten_creases(canon: np.ndarray, page: PageLayout) -> np.ndarray:
    """Take the straight creases of a folded sheet out of the boxes' area.

    A crease runs from one edge of the page to the other: a horizontal one crosses the
    left margin, every strip of the boxes' columns and the right margin at (nearly) the
    same height; a vertical one crosses the band above the first item, every strip of
    the items' rows and the band below the last. Only a dip seen in that many places is
    taken for a crease and lifted back to paper; a stroke a respondent drew — however
    light, even a line along a whole row or down a whole column — stays where it is,
    since it does not run on through the margins. Returns a corrected copy (or
    ``canon`` itself when the page holds no crease).
    """
    boxes = [b for item in page.items for b in item.boxes]
    if not boxes:
        return canon
    height, width = canon.shape
    # The boxes with the band around them that the reader measures (RING_OUT_MM), and more.
    x0 = max(0, _px(min(b.x for b in boxes) - 4.0))
    x1 = min(width, _px(max(b.x + b.w for b in boxes) + 4.0))
    y0 = max(0, _px(min(item.row.y for item in page.items)))
    y1 = min(height, _px(max(item.row.y + item.row.h for item in page.items)))
    left = min(item.row.x for item in page.items)
    right = max(item.row.x + item.row.w for item in page.items)
    reach = _px(CREASE_REACH_MM)
    strip = _px(CREASE_STRIP_MM)
    out = canon
    plans: list[tuple[bool, list[tuple[int, int]], np.ndarray, np.ndarray]] = []

    # Horizontal creases, along the rows of the items.
    margins = [(_px(3.0), _px(left - 2.0)), (_px(right + 2.0), width - _px(3.0))]
    parts = [(a, b) for a, b in margins if b - a >= _px(4.0)]
    columns = _split(x0, x1, strip)
    profiles = [_paper_profile(canon[y0:y1, a:b]) for a, b in parts + columns]
    plans += _crease_plans(profiles, len(parts), columns, reach, horizontal=True)

    # Vertical creases, down the boxes' columns.
    top = min(item.row.y for item in page.items)
    bottom = max(item.row.y + item.row.h for item in page.items)
    bands = [(_px(3.0), _px(top - 2.0)), (_px(bottom + 2.0), height - _px(3.0))]
    parts = [(a, b) for a, b in bands if b - a >= _px(4.0)]
    rows = _split(y0, y1, strip)
    profiles = [_paper_profile(canon[a:b, x0:x1].T) for a, b in parts + rows]
    plans += _crease_plans(profiles, len(parts), rows, reach, horizontal=False)

    for horizontal, strips, bases, dips in plans:
        if out is canon:
            out = canon.astype(np.float32)
        lift = _blend(strips, bases, dips)
        if horizontal:
            out[y0:y1, strips[0][0] : strips[-1][1]] *= lift
        else:
            out[strips[0][0] : strips[-1][1], x0:x1] *= lift.T
    if out is canon:
        return canon
    result: np.ndarray = np.clip(out, 0, 255).astype(np.uint8)
    return result


def _crease_plans(
    profiles: list[np.ndarray],
    margins: int,
    strips: list[tuple[int, int]],
    reach: int,
    *,
    horizontal: bool,
) -> list[tuple[bool, list[tuple[int, int]], np.ndarray, np.ndarray]]:
    """Return the factors bringing the strips' paper back (see _flatten_creases).

    ``profiles`` holds the paper of the margins first, then of the strips. A place is a
    crease when a dip lies within ``reach`` of it in every margin and in at least
    ``CREASE_SHARE`` of the strips. On a folded page each strip's paper is then brought
    to its own level all along: the crease's dip (where no deeper than a crease can be)
    and the step of light a fold leaves between its two halves. Nothing changes on a
    page without a crease. Returned as one plan: the strips, each strip's factor for the
    paper's level (``bases``, one row per strip) and for the crease's dip (``dips``);
    see :func:`_blend`.
    """
    if not strips or not margins:
        return []
    found = [_dips(profile) for profile in profiles]
    seen = [_near((f > 1 + CREASE_MIN) & (f <= 1 + CREASE_MAX), reach) for _c, f in found]
    crease = np.logical_and.reduce(seen[:margins])
    votes = np.sum(seen[margins:], axis=0)
    crease &= votes >= CREASE_SHARE * len(strips)
    crease = _alike_throughout(crease, [f for _c, f in found], margins, reach)
    if not crease.any():
        return []
    support = _near(crease, reach)
    bases, dips = [], []
    for profile, (closed, factor) in zip(profiles[margins:], found[margins:], strict=True):
        # The crease itself row by row; elsewhere the paper's level, lightly smoothed.
        smooth = cv2.GaussianBlur(closed.reshape(-1, 1), (1, 0), 1.5).ravel()
        paper = np.where(support & (factor <= 1 + CREASE_MAX), profile, smooth)
        level = float(np.median(closed))
        lift = np.clip(level / np.maximum(paper, 1.0), 1 / (1 + CREASE_MAX), 1 + CREASE_MAX)
        base = np.clip(level / np.maximum(smooth, 1.0), 1 / (1 + CREASE_MAX), 1 + CREASE_MAX)
        bases.append(base)
        dips.append(lift / base)
    return [(horizontal, strips, np.array(bases, np.float32), np.array(dips, np.float32))]


def _alike_throughout(
    crease: np.ndarray, factors: list[np.ndarray], margins: int, reach: int
) -> np.ndarray:
    """Keep the runs of ``crease`` whose dip is as deep in the strips as in the margins.

    ``factors`` are the profiles' dip factors (:func:`_dips`), the margins' first. For
    each run of crease places, the deepest dip within ``reach`` of it is taken in every
    profile; the strips' median of those may stand at most ``CREASE_ALIKE`` times the
    deeper margin's (see there).
    """
    places = np.flatnonzero(crease)
    kept = np.zeros_like(crease)
    if not places.size:
        return kept
    for run in np.split(places, np.flatnonzero(np.diff(places) > 1) + 1):
        lo, hi = max(0, int(run[0]) - reach), int(run[-1]) + reach + 1
        margin = max(float(f[lo:hi].max()) for f in factors[:margins]) - 1
        strips = float(np.median([f[lo:hi].max() for f in factors[margins:]])) - 1
        if strips <= CREASE_ALIKE * margin:
            kept[run] = True
    return kept


def _blend(strips: list[tuple[int, int]], bases: np.ndarray, dips: np.ndarray) -> np.ndarray:
    """Return the factor of every pixel of the strips (along, across), without steps.

    Each strip's paper is followed along its length; where it differs from the next
    strip's (print, a shadow, light across the page), a factor constant across each
    strip would leave a step of a few per cent at their border, and a box lying on it
    a smoothed trace. The level's factor is therefore drawn linearly from one strip's
    middle to the next's; the crease's own dip, a line a few pixels wide, stays each
    strip's.
    """
    start, stop = strips[0][0], strips[-1][1]
    across = np.arange(start, stop, dtype=np.float32)
    middles = np.array([(a + b - 1) / 2 for a, b in strips], dtype=np.float32)
    weights = np.stack(
        [
            np.interp(across, middles, np.eye(len(strips), dtype=np.float32)[k])
            for k in range(len(strips))
        ]
    )
    field: np.ndarray = bases.T @ weights.astype(np.float32)
    for k, (a, b) in enumerate(strips):
        field[:, a - start : b - start] *= dips[k][:, None]
    return field


def read_page(image: np.ndarray, layout_for: Callable[[SheetId], BallotLayout]) -> PageReading:
    """Read one page image (BGR or grayscale uint8).

    ``layout_for`` returns the layout of the sheet the QR names (raise ``KeyError`` or
    ``LookupError`` when unknown). Raises :class:`PageRefused` when the page cannot be
    read at all; otherwise every item is ``marked``, ``empty`` or ``ambiguous``.
    """
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or min(image.shape[:2]) < 50:
        raise PageRefused("unreadable", "not an image")
    gray = _to_gray(image)
    _refuse_bilevel(gray)
    markers = _find_markers(gray)
    if len(markers) < 3:
        raise PageRefused("no_markers", f"{len(markers)} found")
    problems: list[str] = []
    if len(markers) == 3:
        problems.append("three_markers")
    matrix, error = _homography(markers)
    if _px_per_mm(matrix) < MIN_PX_PER_MM:
        raise PageRefused("too_small")
    if error > 0.8:
        raise PageRefused("no_markers", f"markers inconsistent ({error:.1f} mm)")
    if error > 0.35:
        problems.append("page_distorted")
    _refuse_low_contrast(gray, matrix, markers)
    sheet = _read_sheet(gray, matrix)
    try:
        layout = layout_for(sheet)
        page_layout: PageLayout = layout.page(sheet.page)
    except LookupError as exc:
        raise PageRefused("unknown_sheet", sheet.payload()) from exc
    if layout.page_count != sheet.page_count or layout.fingerprint != sheet.layout:
        raise PageRefused("layout_mismatch", f"{sheet.layout} != {layout.fingerprint}")

    # Reduce a fine image before resampling it to the canonical raster: sampling every
    # other pixel would skip thin light strokes (a 300 dpi photo is ~12 px/mm, SCALE 6).
    fine, fine_matrix = gray, matrix
    while _px_per_mm(fine_matrix) >= 1.9 * SCALE:
        fine = cv2.pyrDown(fine)
        fine_matrix = np.diag([0.5, 0.5, 1.0]) @ fine_matrix
    canon = _warp(fine, fine_matrix, Rect(0, 0, PAGE_W, PAGE_H), SCALE)
    items = read_items(_flatten_creases(canon, page_layout), page_layout)
    crops = {item.key: crop_rect(canon, item.row) for item in page_layout.items}
    comment_crop = crop_rect(canon, page_layout.comment) if page_layout.comment else None
    comment_ink = comment_crop is not None and _comment_ink(comment_crop)
    not_found = sum(1 for r in items if r.reason == "box_not_found")
    if items and not_found > len(items) // 2:
        problems.append("layout_mismatch")
    blank = all(r.status == "empty" for r in items) and not comment_ink
    return PageReading(
        sheet=sheet,
        items=items,
        comment_crop=comment_crop,
        item_crops=crops,
        blank=blank,
        problems=problems,
        comment_has_ink=comment_ink,
        page_image=canon,
    )


def read_items(canon: np.ndarray, page: PageLayout) -> list[ItemReading]:
    """Measure every box of the page, calibrate on the page itself, and decide each item."""
    measured, cal = measure_items(canon, page)
    readings = []
    for item, measures in measured:
        if measures is None:
            fills = tuple(1.0 for _b in item.boxes)
            readings.append(ItemReading(item.key, "ambiguous", None, fills, "box_not_found"))
        else:
            readings.append(classify(item.key, measures, cal))
    return readings


Measured = list[tuple[ItemLayout, list[BoxMeasure | None] | None]]


def measure_items(canon: np.ndarray, page: PageLayout) -> tuple[Measured, Calibration]:
    """Measure every box of the page and calibrate on the page itself.

    Two passes over the page's own boxes: the first learns how its printed borders look
    (their halo, :func:`halo_cap`), the second how its empty boxes look once that halo is
    taken out (:func:`calibrate`). Returns each item with its boxes' measures (None for
    a row whose printed boxes were not found, None for a box outside the page) and the
    page's calibration: what :func:`read_items` decides on, and what ``bench/_omr_dump``
    shows of a silent error.
    """
    raw: list[tuple[ItemLayout, list[RawBox | None] | None]] = []
    for item in page.items:
        dx, dy, found = _row_offset(canon, item)
        own = [(dx, dy)] * len(item.boxes) if found else _own_shifts(canon, item, dx, dy)
        if own is None:
            raw.append((item, None))
            continue
        raw.append(
            (
                item,
                [
                    _measure_box(canon, b, item.row, bx, by)
                    for b, (bx, by) in zip(item.boxes, own, strict=True)
                ],
            )
        )
    boxes = [r for _i, rs in raw if rs for r in rs if r is not None]
    signatures = np.array([_halo_signature(r.profiles) for r in boxes]).reshape(-1, 2)
    if _sharpened(signatures):
        most = _beyond_cap(signatures[:, 1])

        def beyond(r: RawBox | None) -> RawBox | None:
            return None if r is None else _beyond_the_halo(r, most)

        raw = [(item, None if rs is None else [beyond(r) for r in rs]) for item, rs in raw]
    cap = halo_cap([r for _i, rs in raw if rs for r in rs if r is not None])
    measured: Measured = [
        (item, None if rs is None else [None if r is None else finish_box(r, cap) for r in rs])
        for item, rs in raw
    ]
    return measured, calibrate([m for _i, ms in measured if ms for m in ms if m is not None])
