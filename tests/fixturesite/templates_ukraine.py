"""Sentence templates for the fixture world's stories about the war in Ukraine.

Syntax (rendered by ``prose.fill``): ``{key}`` takes a value from the story's frame, ``[a|b|c]``
picks one alternative. Fixed runs between slots are kept short and alternatives are many, so two
unrelated stories built from the same pool share words but not long runs of them: near-duplicate
detection must see them as different stories.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventTemplates:
    """One kind of event: how its headline, opening, body and quotes are phrased."""

    headlines: tuple[str, ...]
    ledes: tuple[str, ...]
    details: tuple[str, ...]
    quotes: tuple[str, ...]


UKRAINE_EVENTS: dict[str, EventTemplates] = {
    "strike": EventTemplates(
        headlines=(
            "[Russian|Overnight] {weapon} [hit|strike] {city}, {n_killed} killed",
            "{city} [counts|mourns] its dead after [night|overnight] {weapon} attack",
            "{n_killed} dead, {n_wounded} wounded as Russia [pounds|targets] {city}",
            "[Russia hits|Strike on] {city} {target} [in|during] [massive|large] [overnight |]attack",
            "Ukraine says it downed {n_shot} of {n_drones} [drones|aerial targets] [aimed at|over] {city}",
            "Rescuers search rubble in {city} after [deadly|night] strike",
        ),
        ledes=(
            "[Russia|Russian forces] [struck|hit|attacked] {city} with {weapon} [overnight|early on {day}], "
            "[killing {n_killed} people|leaving {n_killed} civilians dead|killing {n_killed}] and "
            "[wounding|injuring] {n_wounded}, [regional governor|the region's governor] {governor} said.",
            "At least {n_killed} people were killed [and {n_wounded} injured |]when {weapon} [slammed into|hit] "
            "a {target} in {city} [before dawn on {day}|overnight], Ukrainian officials said.",
            "A [wave|barrage] of {weapon} [tore through|hit] {city} [on {day} night|in the early hours of "
            "{day}], [damaging|destroying] a {target} and [killing {n_killed}|leaving {n_killed} dead], [local "
            "authorities|emergency services] [said|reported].",
        ),
        details=(
            "Ukraine's air force said it [shot down|destroyed|intercepted] {n_shot} of the {n_drones} "
            "[drones|drones and missiles|aerial targets] [launched|fired] [at the country|across Ukraine|"
            "from {launch_area}] [overnight|during the night|after {hour}].",
            "[Emergency workers|Rescuers|Search teams] [were still|kept] [searching|digging through|"
            "combing] the [rubble|debris|ruins] of the {target} [by midday|late into {day}|at {hour}], "
            "{gov_last} said [on Telegram|in a statement|in a video address].",
            "[Among the wounded were|Those hurt included|The injured included] {n_children} "
            "children, [one of them|including a girl aged {child_age},|among them a boy of {child_age}] "
            "[in serious|in critical|in stable] condition, [the|{city}'s] [regional prosecutor's office|"
            "health department|hospital director] said.",
            "[Photographs|Video|Images] [posted|shared|released] by [the emergency service|officials|"
            "{gov_last}] showed [firefighters|crews|rescuers] [spraying water on|working at|climbing over] "
            "a [burning|blackened|wrecked] {target2} [on {day}|at dawn|in {city}].",
            "The [blasts|explosions|impacts] [shattered|blew out] windows [across|in] [several|nearby|"
            "{n_buildings}] [streets|blocks|high-rises] and [cut power|knocked out electricity] to "
            "[part of|about {pct}% of|districts of] [the city|{city}|the left bank].",
            "[Air raid sirens|Sirens|Alerts] [sounded|wailed|lasted] [for nearly|for about|more than] "
            "{hours} hours [across|in|over] {city} [and the surrounding region|and {city2}|on {day}].",
            "Russia's defence ministry said [on {day}|in a statement|on Telegram] [its forces|it|that "
            "its troops] had [struck|carried out strikes on|hit] [military targets|energy facilities "
            "used by the military|\"military infrastructure\"] [and did not comment on casualties|"
            "without mentioning {city}|but gave no details].",
            "[Residents|People|Families] [sheltered|spent the night|waited] in [metro stations|basements|"
            "underground car parks] [as|while] [explosions|blasts|air defences] [echoed|rang out|thudded] "
            "[across|over] [the city|{city}|the river].",
            "{city} [mayor|city head|council chief] {mayor} said [three|several|{n_buildings}] "
            "[residential|apartment|private] buildings [and a {target2} |]had been [damaged|hit|set alight] "
            "[in the attack|by debris|by blast waves].",
            "[Debris from|Fragments of|Wreckage from] a [downed|intercepted|destroyed] drone [fell on|"
            "landed near|crashed into] a {target2} [in a suburb|on the outskirts|in the {district} "
            "district] of {city2}, [starting a fire|causing a blaze|injuring a guard].",
            "The attack was [the third|one of the largest|the {nth}] [on {city}|on the region|of its "
            "kind] [this month|in recent weeks|since {month}], [officials said|according to local "
            "authorities|{gov_last} noted].",
            "[Kyiv|Ukrainian officials|{foreign_minister}] [renewed calls|again called|appealed] [on "
            "Western|to allied|to European] governments [to send|for|to speed up] [more|extra|the "
            "promised] {aid_item} [after the strike|following the attack|within weeks].",
            "[Schools|Kindergartens|Colleges] in [the|{city}'s] {district} district [switched to online "
            "classes|moved lessons online] [on {day}|for the rest of the week|until repairs are done], "
            "[the city council said|city officials said].",
            "[The|A] {hour} [strike|impact] [left|gouged] a crater [several metres|{km_small} metres] "
            "[deep|wide] [in|next to] [a courtyard|a playground|the road] [beside|behind] the {target}.",
            "{city} [declared|announced] [a day of mourning|two days of mourning] [for {day2}|from "
            "{day2}|this week], with flags [lowered|flown at half-mast] [on public buildings|"
            "across the city].",
        ),
        quotes=(
            "\"[This was|It was] [a deliberate strike|a cynical attack] on [a peaceful city|civilians|"
            "sleeping families], [nothing else|with no military target nearby|and the world saw it],\" "
            "{gov_last} [said|wrote|told reporters].",
            "\"[We heard|There was] a [whistle|roar|buzzing] and then [the windows|everything|the "
            "ceiling] [came in|shook|fell],\" [said|recalled] {resident}, [a resident|a pensioner, {age},|"
            "a teacher] [who lives nearby|from the damaged block|of the {district} district].",
            "\"[Every night|Each night|Night after night] [Russia tests|they probe|the enemy tries] our "
            "air [defence|shield], and [every night|sometimes|too often] [something gets through|we pay "
            "for it|people die],\" {official} [said|told reporters|wrote] [on {day}|in {city}|].",
        ),
    ),
    "frontline": EventTemplates(
        headlines=(
            "Russian forces [press|push] toward {town} as [Ukraine|Kyiv] [reinforces|rotates] troops",
            "[Fighting|Battle] [rages|intensifies] near {town} in {front_region} region",
            "Ukraine says it [repelled|held off] {n_assaults} Russian assaults near {town}",
            "[Moscow claims|Russia says it took] [village|{village}] near {town}; Kyiv [denies|disputes] it",
            "[Inside|On] the {front_region} front: [exhausted|outnumbered] Ukrainian units hold {town} line",
        ),
        ledes=(
            "Ukrainian troops [repelled|fought off] {n_assaults} Russian [assaults|attacks] [near|around] "
            "{town} in the {front_region} region [over the past day|on {day}], the general staff said.",
            "Russia's defence ministry said on {day} its forces had [captured|taken control of] {village} "
            "[near|outside] {town}, a claim [Ukraine|Kyiv] [denied|did not confirm].",
            "[Fierce|Heavy] fighting [continued|raged] [around|near] {town} [on {day}|this week], with "
            "Russian units [trying to|seeking to] [cut|reach] the [main supply road|highway] [into|to] "
            "the town, Ukrainian [commanders|officers] said.",
        ),
        details=(
            "{army_spokesman} said Russian [units|troops] had [used|relied on] [small infantry groups|"
            "armoured columns] [backed by|supported by] {weapon}.",
            "[The town|{town}], which had [a pre-war population of {population}|about {population} residents "
            "before the war], [lies|sits] about {km} km (a [short|day's] drive) from [the front|Russian positions].",
            "[Reuters|Journalists|Independent analysts] could not [independently verify|confirm] "
            "[battlefield reports|either side's claims] [from either side|about {town}].",
            "[A Ukrainian|One] [company commander|drone unit commander|artillery officer] [said|told "
            "reporters] [his men|his unit] [were|had been] [outnumbered|short of shells] [by about "
            "five to one|for weeks].",
            "[Open-source|Independent] [mapping projects|analysts] [showed|suggested] Russian forces had "
            "advanced [about|roughly] {km_small} km [in the area|west of {village}] [over the past week|"
            "since {day2}].",
            "[Ukraine|Kyiv] has [built|dug] [new defensive lines|trenches and anti-tank ditches] [behind|"
            "west of] {town} [in recent months|since the spring].",
            "[Civilians|Remaining residents] [have been told|were urged] to [leave|evacuate] {town}, "
            "where [about|fewer than] {n_residents} people [remain|still live].",
            "The Institute for the Study of War said [in its daily update|on {day}] that [Russian gains|"
            "the advance] [near {town}|in the sector] [were|remained] [incremental|slow and costly].",
            "[Ukrainian|Kyiv's] forces [also|meanwhile] [struck|hit] a Russian [ammunition depot|command "
            "post|fuel train] [behind the lines|in occupied {front_region}], the [military|navy] said.",
            "[Drones|Small drones] [now|increasingly] [dominate|decide] the [fighting|battlefield] "
            "[around {town}|along the front], [making|turning] any [movement|road trip] [deadly|a risk].",
        ),
        quotes=(
            "\"[The situation|It] is [difficult but under control|tense but stable],\" {army_last} "
            "[told national television|said at a televised briefing].",
            "\"They [keep coming|come] in [small groups|waves], [day and night|every few hours],\" said "
            "a [soldier|sergeant] [who gave only his call sign|identified only as] {callsign}.",
            "\"[We need|What we need is] [shells|ammunition] and people, [not promises|and we need them "
            "now],\" [a battalion commander|one officer] [said|told reporters] [near {town}|by phone].",
        ),
    ),
    "prisoners": EventTemplates(
        headlines=(
            "Ukraine and Russia swap {n_pows} prisoners [each |]in [deal brokered by|exchange mediated "
            "by] {mediator_short}",
            "{n_pows} Ukrainian [prisoners of war|POWs] return home in [latest|new] exchange",
            "[Tears and hugs|Emotional reunions] as {n_pows} [freed|returning] Ukrainian [soldiers|POWs] "
            "[cross border|reach {city}]",
            "[Prisoner swap|POW exchange] [brings home|frees] {n_pows} [Ukrainians|Ukrainian soldiers]",
        ),
        ledes=(
            "Ukraine and Russia [exchanged|swapped] {n_pows} prisoners of war [each|apiece] on {day} in a "
            "[deal|swap] [mediated|brokered] by {mediator}, [officials in both countries said|both sides "
            "said].",
            "{n_pows} Ukrainian [servicemen|soldiers and civilians] [returned home|were freed] on {day} "
            "in [the latest|a new] prisoner exchange with Russia, [Kyiv said|Ukrainian officials said].",
        ),
        details=(
            "[Many of those freed|Most of the returning men] had [been held|spent time] in captivity "
            "[since the fall of|after the siege of] {town}, [the coordination headquarters said|officials "
            "said].",
            "[Footage|Video] [released|published] by [Ukrainian officials|the presidency] showed [gaunt|"
            "exhausted] men [wrapped in|draped with] [blue-and-yellow flags|Ukrainian flags] [stepping off|"
            "leaving] buses.",
            "Russia's defence ministry said {n_pows_ru} Russian servicemen [had been returned|were flown] "
            "[to Moscow|home] [for medical checks|via Belarus].",
            "[It was|This was] the [{nth}|latest] exchange [since the start of the year|this year] and "
            "[brought|raised] the total [number of Ukrainians freed|returned] to [more than|over] "
            "{n_total}, [officials said|according to Kyiv].",
            "{ombudsman} said [several|{n_children}] of those [released|freed] [needed|would need] "
            "[urgent medical care|hospital treatment] [and rehabilitation|after their captivity].",
            "[Relatives|Families] [gathered|waited] [at the border|at a hospital in {city}] [holding "
            "photographs|with portraits] of [missing|captured] [sons and husbands|loved ones].",
            "[Talks on|Negotiations over] [further|new] exchanges were [continuing|under way], {mediator} "
            "said [in a statement|on {day}], [without giving details|declining to elaborate].",
        ),
        quotes=(
            "\"[Every|Each] [exchange|return] is [hard work|months of work] [behind the scenes|that no "
            "one sees],\" {ombudsman_last} said.",
            "\"I [did not believe|could not believe] it [until|before] I [saw|heard] [the flag|his "
            "voice],\" said {resident}, whose [brother|son|husband] was among those freed.",
        ),
    ),
    "energy": EventTemplates(
        headlines=(
            "Ukraine [extends|imposes] [power cuts|blackouts] after [attacks|strikes] on {city} {target}",
            "{city} [households|residents] face [rolling|scheduled] outages [of up to|for] {hours} hours",
            "Ukraine [imports record power|seeks electricity] from [EU|Europe] as {city} [plants|grid] "
            "[falter|fails]",
            "[Engineers|Repair crews] race to restore [power|heat] in {city} before [winter|the frost]",
        ),
        ledes=(
            "Ukraine's [grid operator|national energy company] [Ukrenergo|] [said|announced] on {day} it "
            "would [extend|introduce] [scheduled|rolling] power cuts [in {city} and {n_regions} other "
            "regions|across {n_regions} regions] after [Russian strikes|attacks] on [power plants|"
            "generating capacity].",
            "[Residents of|Households in] {city} [faced|endured] [power outages|blackouts] of up to {hours} "
            "hours [a day|on {day}] [as engineers|while crews] [worked to repair|tried to restore] a "
            "[damaged|bombed] {target}.",
        ),
        details=(
            "{energy_minister} said Russia had [damaged|destroyed] [about|roughly] {pct}% of Ukraine's "
            "[thermal|generating] capacity [since March|in the past year].",
            "Ukraine [imported|bought] a [record|near-record] {mwh} megawatt hours of electricity from "
            "[Poland, Slovakia and Romania|EU neighbours] [on {day}|over the past day].",
            "[Shops and cafes|Businesses] in {city} [ran|switched to] [diesel generators|backup power], "
            "[filling|and] the [streets|pavements] [with|were loud with] [a steady hum|their noise].",
            "[Water|Heating] [supplies|pressure] [were|was] [disrupted|cut] in [several districts|parts] "
            "of {city2} [because|as] [pumping stations|boilers] [lost power|shut down].",
            "[The operator|Ukrenergo] [urged|asked] [consumers|households] to [limit|cut] [use of|their "
            "use of] [heavy appliances|electric heaters] [in the evening peak|between 5 and 10 p.m.].",
            "[Allies|{ally}] [have pledged|promised] [transformers|equipment and] {aid_item} [to help|"
            "for] [repair|rebuilding] the grid, [the ministry said|officials said].",
        ),
        quotes=(
            "\"[We are|We're] [repairing|fixing] [what they destroy|the network] [faster than ever|around "
            "the clock], but [the scale|it] is [enormous|unprecedented],\" {energy_last} said.",
            "\"[You plan|We plan] [your|our] [day|life] around the [schedule|outage table] now,\" said "
            "{resident}, [a shop owner|an accountant] in {city}.",
        ),
    ),
    "diplomacy": EventTemplates(
        headlines=(
            "{ally} [pledges|announces] {amount} [military|new] aid package for Ukraine",
            "{foreign_short} [visits|arrives in] Kyiv, [promises|vows] [support|more air defence]",
            "Ukraine, {ally} sign [ten-year|long-term] security [pact|agreement]",
            "[Allies|Ministers] [meet|gather] in {ally_capital} [to discuss|on] {aid_item} for Ukraine",
        ),
        ledes=(
            "{ally} [announced|unveiled] a {amount} [military aid package|package of military aid] for "
            "Ukraine on {day}, [including|with] {aid_item} [and {aid_item2}|], [during|on] a visit "
            "[to Kyiv|to the capital] by {foreign_official}.",
            "{foreign_official} [arrived|made an unannounced visit] [in|to] Kyiv on {day} [and promised|"
            "pledging] [continued|long-term] [support|backing] [for Ukraine|to Kyiv] [as|while] Russian "
            "forces [press|pushed] in the east.",
        ),
        details=(
            "{foreign_minister} said [the talks|the meeting] [focused on|covered] {aid_item}, "
            "[sanctions|frozen Russian assets] and [Ukraine's|Kyiv's] [EU|NATO] [membership bid|path].",
            "[The package|The aid] [brings|takes] {ally_adj} [total|overall] [military|] support [for "
            "Ukraine|to Kyiv] [to|to more than] {amount2} since [2022|the invasion began], [officials "
            "said|according to the government].",
            "[Deliveries|The first deliveries] [are expected|were due] [within weeks|before the end of "
            "the year], [the|a] [ministry|government spokesman] said, [declining to give|without giving] details.",
            "{ru_official} [dismissed|criticised] the [package|announcement], [saying|and said] [it would|"
            "Western weapons would] [only prolong|not change the outcome of] the [conflict|war].",
            "[The two sides|The ministers] also [discussed|agreed on] [joint production|co-production] "
            "of [drones|shells] [in Ukraine|on Ukrainian soil], [a statement said|officials said].",
            "[Kyiv|Ukraine] has [pressed|urged] [partners|allies] [for weeks|repeatedly] [to speed up|to "
            "accelerate] [deliveries|shipments] of {aid_item2}.",
        ),
        quotes=(
            "\"[Ukraine's security|Your security] is [our|Europe's] security,\" {foreign_short} [told "
            "reporters|said] [in Kyiv|at a joint news conference].",
            "\"[Words matter|We value words], but [systems|shells] [save lives|matter more],\" "
            "{foreign_last} said [of|about] the [pledges|promises].",
        ),
    ),
    "grain": EventTemplates(
        headlines=(
            "Ukraine's grain exports [rise|climb] {pct}% [despite|in spite of] [port|Black Sea] attacks",
            "[Ship|Cargo vessel] [hit|damaged] [in|near] {port} port; grain corridor [keeps|stays] open",
            "{n_ships} ships [leave|sail from] [Ukraine's|Odesa region] ports [with|carrying] {crop}",
        ),
        ledes=(
            "Ukraine [exported|shipped] {tonnes} million tonnes of grain [in|during] {month}, [up|an "
            "increase of] {pct}% [from|on] the [previous month|same month last year], [the agriculture "
            "ministry said|ministry data showed] on {day}.",
            "A [civilian|cargo] ship [loading|carrying] {crop} was [damaged|hit] [in|at] {port} [port|"
            "harbour] [by|during] a Russian [missile|drone] attack [on {day}|overnight], [Ukraine's "
            "navy said|officials said].",
        ),
        details=(
            "[Most|The bulk] of the [cargo|exports] [went|was shipped] [to|via] [Egypt, Spain and Turkey|"
            "the Mediterranean] [through|along] the [Black Sea corridor|sea route] [Ukraine set up|opened] "
            "[in 2023|last year].",
            "[Insurers|Shipping brokers] said [war-risk premiums|insurance costs] for [vessels|ships] "
            "[calling at|entering] Ukrainian ports [had risen|rose] [after the attack|this week].",
            "[The corridor|The route] [runs along|hugs] the [coast|western shore] [of the Black Sea|toward "
            "Romanian waters], [avoiding|away from] [Russian|enemy] [warships|naval patrols].",
            "[Farmers|Growers] in the {front_region} region [still|continue to] [face|struggle with] "
            "[mined fields|shelling] [and high|and rising] [transport|logistics] costs.",
            "{n_ships} vessels [were|remained] [waiting|loading] [at {port} and nearby terminals|at "
            "{port}'s berths|in {port} harbour], [the port authority|the ministry] said.",
        ),
        quotes=(
            "\"[The sea|Our ports] [is|are] [working|open] [despite everything|under fire],\" "
            "{official} [said|wrote on X].",
            "\"[Every ship|Each vessel] [that leaves|leaving] {port} [is|means] [bread on someone's table|"
            "food for someone],\" [a port official|the harbour master] said.",
        ),
    ),
    "evacuation": EventTemplates(
        headlines=(
            "[Thousands|Families] [flee|leave] {town} as [shelling|attacks] [intensify|grow]",
            "Ukraine orders [mandatory|compulsory] evacuation of children from {town} [area|district]",
            "[Volunteers|Aid workers] [race|rush] to [evacuate|move] [elderly|older] residents from "
            "{front_region} towns",
        ),
        ledes=(
            "Ukrainian authorities [ordered|announced] the [mandatory|compulsory] evacuation of "
            "[families with children|{n_children} children] from {town} and [nearby|surrounding] "
            "villages on {day} [as|because] Russian [shelling|attacks] [intensified|grew heavier].",
            "[More than|About] {n_evacuees} people [left|were evacuated from] {town} [in the past week|"
            "over several days], [regional officials said|the regional administration said] on {day}.",
        ),
        details=(
            "[Buses|Trains] [carried|took] [evacuees|families] [west to|toward] {city} and {city2}, "
            "where [temporary|transit] [shelters|centres] had been [set up|opened] [in schools|in sports "
            "halls].",
            "[Many|Most] of those [still|who remain] in {town} are [elderly|older people] [or disabled|"
            "who cannot walk far], [volunteers said|according to aid workers].",
            "[The regional|Local] [administration|authorities] said [gas|water] and [power|electricity] "
            "[had been cut|had been off] in [much|most] of the town [for weeks|since {month}].",
            "[Aid groups|Humanitarian agencies] [handed out|delivered] [food kits|hygiene packs] and "
            "[warm clothes|blankets] [at the transit centre|to new arrivals] in {city}.",
            "{ombudsman} [urged|called on] [residents|people] [not to delay|to leave] [while|as long as] "
            "[the roads|routes] [were still|remained] [open|passable].",
        ),
        quotes=(
            "\"[I lived here|We have lived here] [all my life|for {years} years], [but|and now] "
            "[there is nothing left|the shells fall every day],\" said {resident}, [{age}|a retired "
            "miner], [boarding|sitting on] a bus.",
            "\"[Every day|Each morning] [we|our team] [take out|drive out] [people|whoever we can] "
            "[under fire|while we still can],\" said [a volunteer driver|an aid worker] [named|called] "
            "{resident}.",
        ),
    ),
    "investigation": EventTemplates(
        headlines=(
            "Ukraine [charges|names] Russian [commander|officer] over [strike|attack] on {city}",
            "[Prosecutors|Investigators] [open|launch] war crimes [case|probe] after {town} [killings|shelling]",
            "[Court|Judges] [sentence|convict] Russian soldier in absentia over {village} [deaths|abuses]",
        ),
        ledes=(
            "Ukrainian prosecutors [said|announced] on {day} they had [charged|identified] a Russian "
            "[general|commander] [over|in connection with] the [deadly|{month}] [strike|attack] on a "
            "{target} in {city}.",
            "[Investigators|War crimes investigators] [opened|launched] a [criminal case|probe] on {day} "
            "[after|into] [reports|the discovery] of [bodies|civilian deaths] in {village} [near|outside] "
            "{town}, {prosecutor} said.",
        ),
        details=(
            "[The office|Prosecutors] said [it had|they had] [registered|recorded] [more than|over] "
            "{n_cases} [suspected|alleged] war crimes [since February 2022|since the invasion began].",
            "[Evidence|The case file] [included|includes] [intercepted calls|drone footage] and "
            "[witness statements|testimony from survivors], [the statement said|according to the office].",
            "[Russia|Moscow] [denies|has denied] [targeting|deliberately attacking] civilians [and "
            "did not comment|and made no comment] [on the charges|on the case].",
            "[The International Criminal Court has issued warrants|International investigators have "
            "been gathering evidence] [in related cases|in the region].",
            "[Forensic|Investigative] teams [exhumed|examined] [remains|graves] [in|near] {village} "
            "[this week|on {day2}], [local police said|the police said].",
        ),
        quotes=(
            "\"[Justice|Accountability] [may take years|will not come quickly], but [it will come|every "
            "case is documented],\" {prosecutor_last} said.",
            "\"[We want|We need] [names|the names], [not statistics|not numbers],\" said {resident}, "
            "whose [neighbour|cousin] was killed in {village}.",
        ),
    ),
}
