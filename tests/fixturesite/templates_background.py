"""Stock background sentences of Ukraine war coverage, shared by every Ukraine story.

These are what unrelated stories have most in common, so each story uses only a few of them and
every one is cut into short runs by alternatives and slots (syntax as in ``templates_ukraine``).
"""

from __future__ import annotations

UKRAINE_CONTEXT: tuple[str, ...] = (
    "[Russia|Moscow] [launched|began|started] [its full-scale invasion|the all-out war|its invasion] "
    "[in February 2022|{war_age} ago|on Feb. 24, 2022] and [now occupies|holds|controls] [about|"
    "roughly|nearly] {pct_occupied}% of [the country|Ukrainian territory|Ukraine's land], [including|"
    "counting] [Crimea|the Crimean peninsula annexed in 2014].",
    "[Kyiv|Ukraine] has [repeatedly|often|for months] [asked|pressed] [allies|partners|{ally}] for "
    "[more|additional|modern] {aid_item} [to protect|to shield] [cities|energy facilities|{city2}] "
    "[from|against] [such|nightly|these] attacks.",
    "[The war|The conflict|The invasion] has [killed|claimed the lives of] [tens of thousands|thousands] "
    "of [civilians|people|Ukrainians] [and driven|while forcing|and uprooted] [{n_millions} million|"
    "millions more] [from their homes|to flee], [by|according to] [United Nations|U.N.|humanitarian] "
    "[estimates|figures|counts].",
    "[Neither side|Neither Kyiv nor Moscow] [discloses|publishes|releases] [full|its own|detailed] "
    "[military casualty|battlefield loss|combat death] [figures|numbers|tallies] [regularly|].",
    "[Peace talks|Direct negotiations|Formal talks] [between|involving] [the two countries|Kyiv and "
    "Moscow|the warring sides] [have been frozen since|have stalled since|broke down in] [the early "
    "months of 2022|spring 2022].",
    "[{city2}|The region|The city] has been [hit|struck|targeted] [repeatedly|several times|{n_times} "
    "times] [since|over] [the spring|the past {months} months|{month}], [with|including] [strikes|"
    "attacks] on [its|a] {target2}.",
    "[Western|NATO|European] [officials|governments|intelligence services] [have warned|believe|said] "
    "[that|] [Russia|Moscow] is [stockpiling|building up|saving] [missiles|drones|long-range weapons] "
    "[ahead of|before|for] [winter|the cold months|a new offensive].",
    "{ru_official} said [on {day2}|last week|in {month}] that [Moscow|Russia|the Kremlin] [remained|"
    "was] [open to|ready for] [talks|negotiations], [but only on its own terms|if Kyiv accepted \"new "
    "realities\"|while pressing its demands].",
    "[Ukraine|Kyiv] [has stepped up|has increased|keeps up] [its own|long-range] drone [strikes|attacks] "
    "on [oil refineries|airfields|ammunition depots] [deep inside Russia|in Russian regions] [in recent "
    "months|this year|since {month}].",
    "{pm} [told|said at|informed] [a cabinet meeting|parliament|lawmakers] on {day2} that [repairs|"
    "reconstruction|rebuilding] [would cost|would need] [at least|more than|about] {amount2}.",
    "[Air defence|Air defense|Protecting the skies] [remains|is still] [Ukraine's|Kyiv's] [top|most "
    "urgent|first] [request|priority] [from allies|of its partners], {foreign_minister} [has said|"
    "said {day2}|stressed in {month}].",
    "[About|Some|Roughly] {n_millions} million Ukrainians [live|are living|have settled] [abroad|outside "
    "the country|in exile] as [refugees|displaced people], [mostly|mainly|largely] in [Europe|EU "
    "countries|Poland and Germany], [the UNHCR says|U.N. data show|according to the U.N.].",
    "[The|Ukraine's] [general staff|armed forces|military command] [said there had been|reported|"
    "counted] {n_clashes} [combat clashes|engagements|battles] [along the front|on the front line] "
    "[over the past day|in 24 hours|by {day} evening].",
    "[Russian forces|Moscow's troops|Russian units] [have made|made|keep making] [slow but steady|"
    "incremental|costly] [gains|advances] [in the east|in {front_region}|around {town}] [this year|"
    "since the autumn|since {month}], [at a heavy cost|analysts say|according to war monitors].",
    "[{ally}|European allies|Kyiv's partners] [and|as well as|together with] [the United States|"
    "Washington] [have provided|have sent|have supplied] [billions of dollars|tens of billions of euros] "
    "[in|of] [weapons|military aid|arms] [since 2022|to date|so far].",
    "[A|The] [curfew|night curfew] [remains|is|stays] in force [in|across] {city2} [from midnight to "
    "5 a.m.|between midnight and 5 a.m.|overnight].",
    "[Kyiv says|Ukraine argues|Ukrainian officials believe] [that|] [Moscow|Russia|the Kremlin] "
    "[is seeking to|wants to|aims to] [break|wear down|sap] [civilian morale|the population's will|"
    "public resolve] [before|ahead of|through] [winter|the heating season|the cold months].",
    "[Moscow|Russia|The Kremlin] [calls the war|calls its invasion|describes the conflict as] a "
    "\"special military operation\" [meant to|it says is needed to|that it says will] [protect|"
    "defend|secure] [its|Russia's] [security|interests|borders].",
    "[Kyiv|Ukraine] [rejects|has rejected|refuses] [any|a] [ceasefire|settlement|deal] that [would "
    "leave|leaves|freezes] [Russian troops|occupying forces] [on|in] [its territory|{front_region}].",
    "[{ally}|Several European states|Kyiv's Nordic allies] [agreed|decided|moved] [in {month}|last "
    "month|this spring] to [fund|finance|pay for] [drone|shell|missile] production [in Ukraine|by "
    "Ukrainian firms|inside Ukraine].",
    "[Mobilisation|Conscription|Recruitment] [remains|is still|has become] a [sensitive|contentious|"
    "painful] [issue|subject] [in Ukraine|for Kyiv|in parliament], [where|as] [lawmakers|officials] "
    "[debate|argue over] [the age limit|exemptions|demobilisation].",
    "[Ukraine's|The] [economy|GDP] [shrank|contracted|fell] [by about a third|sharply] in 2022 [before "
    "a modest|and then saw a partial|and has since made a slow] [recovery|rebound], [the central bank "
    "says|official data show].",
    "[The|Ukraine's] [energy|power] [system|grid] [has|had] [lost|seen] [about|roughly|nearly] "
    "{pct}% of its [capacity|generation] [to|in|because of] [Russian|missile and drone] [attacks|"
    "strikes] [this year|since March|since spring].",
    "[Sanctions|Western sanctions|Restrictions] on [Russian|Moscow's] [oil exports|banks|metals trade|"
    "energy revenues] [were tightened in {month}|have been widened again|were expanded several times], "
    "[but|yet|though] [Moscow|Russia] [still finds|continues to find] [buyers|ways around them].",
)
