"""``-o deck.pptx``: one 16:9 slide with the race's video, for PowerPoint, Keynote and Google
Slides (optional extra ``race[slides]``: python-pptx).

The slide carries the scene's title, the MP4 with its poster frame (what shows before it plays
and in the editor), fitted under the title, and slide timing that starts the video when the
slide is shown and loops it until the slide is left: the XML PowerPoint itself writes for
"Start: Automatically" and "Loop until Stopped" (python-pptx has no setting for either).
"""

from __future__ import annotations

import os
from pathlib import Path

from race.draw import check_render, errors_naming
from race.engine import Race
from race.web.fragment import alt_text
from race.web.media import Media, rendered_media
from race.write.target import output_file

SLIDE_INCHES = (13.333, 7.5)        # PowerPoint's 16:9 "Widescreen"
TITLE_ONLY_LAYOUT = 5               # of python-pptx's default template
MARGIN_INCHES = 0.3


def write_deck(race: Race, output: str | os.PathLike, *, progress=None) -> Path:
    target = check_render(race.scene, output)     # python-pptx missing: one line, nothing drawn
    with errors_naming(target.path), rendered_media(race, progress=progress) as media:
        with output_file(target) as temp:
            build_deck(media, race.scene.title, alt_text(race.scene), temp)
    return target.path


def build_deck(media: Media, title: str, alt: str, path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Emu, Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = (Inches(side) for side in SLIDE_INCHES)
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE_ONLY_LAYOUT])
    heading = slide.shapes.title
    heading.text = title
    heading.left, heading.top = Inches(MARGIN_INCHES), Inches(MARGIN_INCHES)
    heading.width = deck.slide_width - 2 * Inches(MARGIN_INCHES)
    heading.height = Inches(1.0)
    top = heading.top + heading.height
    room_w = deck.slide_width - 2 * Inches(MARGIN_INCHES)
    room_h = deck.slide_height - top - Inches(MARGIN_INCHES)
    scale = min(room_w / media.width, room_h / media.height)
    width, height = Emu(int(media.width * scale)), Emu(int(media.height * scale))
    left = (deck.slide_width - width) // 2
    movie = slide.shapes.add_movie(str(media.video), left, top, width, height,
                                   poster_frame_image=str(media.poster), mime_type="video/mp4")
    movie.name = "race"
    movie._element.xpath("./p:nvPicPr/p:cNvPr")[0].set("descr", alt)
    play_automatically_and_loop(slide, movie.shape_id)
    deck.save(str(path))


def play_automatically_and_loop(slide, shape_id: int) -> None:
    """Replace the slide's timing with one that plays video ``shape_id`` as the slide starts
    and repeats it until the slide is left."""
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import nsdecls

    timing = parse_xml(TIMING.format(ns=nsdecls("p"), id=shape_id))
    element = slide._element
    for old in element.xpath("./p:timing"):
        element.remove(old)
    # p:timing comes after p:transition and before p:extLst in a slide
    following = element.xpath("./p:extLst")
    if following:
        following[0].addprevious(timing)
    else:
        element.append(timing)


TIMING = """<p:timing {ns}><p:tnLst><p:par>
<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>
 <p:seq concurrent="1" nextAc="seek">
  <p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>
   <p:par><p:cTn id="3" fill="hold">
    <p:stCondLst><p:cond delay="indefinite"/>
     <p:cond evt="onBegin" delay="0"><p:tn val="2"/></p:cond></p:stCondLst>
    <p:childTnLst><p:par><p:cTn id="4" fill="hold">
     <p:stCondLst><p:cond delay="0"/></p:stCondLst>
     <p:childTnLst><p:par>
      <p:cTn id="5" presetID="1" presetClass="mediacall" presetSubtype="0" fill="hold"
             nodeType="afterEffect">
       <p:stCondLst><p:cond delay="0"/></p:stCondLst>
       <p:childTnLst><p:cmd type="call" cmd="playFrom(0.0)">
        <p:cBhvr><p:cTn id="6" dur="indefinite" fill="hold"/>
         <p:tgtEl><p:spTgt spid="{id}"/></p:tgtEl></p:cBhvr>
       </p:cmd></p:childTnLst>
      </p:cTn></p:par></p:childTnLst>
    </p:cTn></p:par></p:childTnLst>
   </p:cTn></p:par>
  </p:childTnLst></p:cTn>
  <p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond>
  </p:prevCondLst>
  <p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond>
  </p:nextCondLst>
 </p:seq>
 <p:video><p:cMediaNode vol="80000">
  <p:cTn id="7" repeatCount="indefinite" fill="hold" display="0">
   <p:stCondLst><p:cond delay="indefinite"/></p:stCondLst></p:cTn>
  <p:tgtEl><p:spTgt spid="{id}"/></p:tgtEl>
 </p:cMediaNode></p:video>
</p:childTnLst></p:cTn>
</p:par></p:tnLst></p:timing>"""
