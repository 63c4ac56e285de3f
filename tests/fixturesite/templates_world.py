"""Templates for everything that is not a Ukraine story: off-topic events and copy-desk edits.

Same syntax as ``templates_ukraine``. Off-topic stories (the war in Sudan, commodity markets) must
never mention a Ukraine topic keyword, so a topic rule can tell them apart.
"""

from __future__ import annotations

from tests.fixturesite.templates_ukraine import EventTemplates

OFF_TOPIC_EVENTS: dict[str, EventTemplates] = {
    "sudan": EventTemplates(
        headlines=(
            "[Fighting|Clashes] [grip|engulf] {sd_place} as [Sudan's war|the conflict] [spreads|drags on]",
            "[Aid agencies warn|U.N. warns] of famine [around|in] {sd_place}",
            "[Dozens|Scores] killed in [shelling|attack] on {sd_place} market",
        ),
        ledes=(
            "[Heavy|Intense] [fighting|clashes] between the Sudanese army and the paramilitary Rapid "
            "Support Forces [killed|left dead] at least {n_killed} people in {sd_place} on {day}, "
            "[medics|a local doctors' group] said.",
            "[Aid agencies|Humanitarian groups] [warned|said] on {day} that [hundreds of thousands|"
            "{n_evacuees} families] [around|in] {sd_place} [faced|were close to] famine [as|because] "
            "[fighting|the siege] [blocked|cut] [supply routes|aid convoys].",
        ),
        details=(
            "[The war|The conflict], which [erupted|broke out] in April 2023, has [displaced|uprooted] "
            "[more than|over] {n_millions} million people, [according to|the] [U.N. figures|U.N. says].",
            "{sd_actor} [said|reported] [its|their] [clinics|teams] in {sd_place2} had [run out|been cut "
            "off from supplies] of [medicine|fuel] [for weeks|since {month}].",
            "[Residents|Witnesses] [described|reported] [drone strikes|shelling] [on|near] [the central "
            "market|a camp for displaced people] [in the morning|before noon].",
            "[Mediators|Diplomats] in [Jeddah|Geneva] [have failed|had failed] [to secure|to broker] a "
            "[lasting|durable] [ceasefire|truce] [between the two sides|despite several rounds].",
            "[Fighters|Gunmen] [looted|burned] [homes|shops] [in|on the edge of] {sd_place2} [before|"
            "after] [withdrawing|pulling back], [residents|local activists] said.",
            "[A local|A neighbourhood] [emergency room network|kitchen network] said it [had fed|could "
            "feed] [only|barely] [a fraction|a third] of [those|the families] [in need|who asked for help].",
            "[Satellite images|Images] [reviewed by|published by] [researchers|Yale researchers] "
            "[showed|appeared to show] [burned|razed] [villages|neighbourhoods] [west of|around] "
            "{sd_place2}.",
            "[Telecommunications|Phone and internet] [services|links] [have been|were] [cut|down] "
            "[for weeks|since {month}] [in|across] [parts of|much of] the region.",
            "[Cholera|Measles] [cases|outbreaks] [have been reported|were reported] in [camps|shelters] "
            "[around|near] {sd_place2}, [health officials said|the health ministry said].",
        ),
        quotes=(
            "\"[There is|We have] [no food|nothing left], [no medicine|no clean water], [and nowhere to go|"
            "and no way out],\" said {person}, [a mother of five|a teacher] in {sd_place}.",
            "\"[The world|Everyone] [has forgotten|is ignoring] {sd_place},\" [an aid worker|a doctor] "
            "[said|told reporters] by [phone|satellite phone].",
        ),
    ),
    "markets": EventTemplates(
        headlines=(
            "{mk_subject_cap} [slips|falls] [as|after] [demand worries|data] [weigh|disappoint]",
            "{mk_subject_cap} [hits|touches] [{n_months}-month|multi-month] high on [supply fears|strong "
            "demand]",
            "[Traders|Investors] [brace|wait] for [central bank|rate] decision in {mk_place}",
        ),
        ledes=(
            "{mk_subject_cap} [rose|climbed] {pct_small}% on {day}, [reaching|hitting] [its highest "
            "level|a peak] in {n_months} months, as [traders|investors] [bet on|priced in] [firmer|"
            "stronger] demand from [Asian buyers|China].",
            "{mk_subject_cap} [fell|dropped] {pct_small}% [in|during] [early|afternoon] trading in "
            "{mk_place} on {day} [after|as] [weak|softer] [factory|export] data [dented|hurt] "
            "[sentiment|appetite for risk].",
        ),
        details=(
            "[Analysts|Economists] at [local brokerages|several banks] said [inventories|stocks] [were|"
            "remained] [tight|low] [heading into|ahead of] the [harvest|holiday] season.",
            "The central bank in {mk_place} is [expected|forecast] to [hold|leave] [interest rates|its "
            "benchmark rate] [unchanged|steady] at [its next meeting|next week's meeting].",
            "[Exporters|Producers] [said|reported] [that|] [orders|bookings] [for|from] [the next|"
            "coming] [quarter|months] [were|looked] [firm|solid], [especially|notably] from [India|"
            "Southeast Asia].",
            "[Benchmark|Front-month] [contracts|futures] [traded|changed hands] [in|within] a [narrow|"
            "tight] range [for most of|through much of] the [session|day].",
            "[Currency|Bond] [markets|traders] [in|across] the region [were|remained] [calm|subdued] "
            "[ahead of|before] [U.S. jobs data|the Federal Reserve's meeting].",
            "[Trading volumes|Volumes] were [thin|light] [because of|due to] a [public holiday|bank "
            "holiday] in [several markets|parts of Europe].",
            "[Shipping|Freight] [costs|rates] [on key routes|from {mk_place}] have [risen|climbed] "
            "[sharply|steadily] [since|over] [the spring|the past quarter], [brokers said|data showed].",
        ),
        quotes=(
            "\"[The market|It] [is|remains] [nervous|jumpy] [about|over] [supply|the weather],\" said "
            "{person}, [a trader|an analyst] [at a brokerage|in {mk_place}].",
            "\"[We expect|Our view is for] [volatility|choppy trading] [to continue|into the next quarter],\" "
            "{person} [said|added].",
        ),
    ),
}

OFF_TOPIC_CONTEXT: dict[str, tuple[str, ...]] = {
    "sudan": (
        "[The army|Sudan's army chief] and the RSF [commander|leader] [were|had been] [allies|partners] "
        "[before|until] [a power struggle|their rivalry] [turned violent|erupted into war].",
        "[Access for|Deliveries by] [aid agencies|humanitarian groups] [remains|has remained] "
        "[restricted|limited] [across|in much of] Darfur [and Kordofan|], [U.N. officials say|officials "
        "said].",
        "[Prices|Food prices] in {sd_place2} [have|had] [more than doubled|tripled] [since the "
        "start of the year|over the past {months} months], [traders said|residents said].",
        "[Rights groups|U.N. investigators] have [accused|said] [both sides|the warring parties] [of|"
        "committed] [abuses|possible war crimes] [against civilians|in {sd_place2}].",
        "[Port Sudan|The Red Sea city of Port Sudan] [has become|now serves as] [the seat of|a base for] "
        "[the army-aligned government|government ministries] [since|after] [Khartoum fell into chaos|"
        "fighting engulfed the capital].",
        "[Fuel shortages have|Diesel rationing has] [shut|forced the closure of] [bakeries|"
        "water stations] [in|across] [several towns|much of the region], [residents say|aid groups say].",
        "[Farmers|Herders] [in|around] {sd_place2} [missed|could not reach their fields for] the "
        "[planting season|sorghum harvest] [because of|amid] [insecurity|the fighting], [agronomists|"
        "aid officials] [warned|said].",
        "[The|Sudan's] [currency|pound] has [lost|shed] [most|more than half] of its value [against "
        "the dollar|on the parallel market] [since|over] [the war began|the past year].",
        "[Donors|Western governments] have [pledged|promised] [about|roughly] {amount2} [in aid|for "
        "relief] [at|during] [a conference in Paris|a London conference], [far short|well short] of "
        "[U.N. appeals|what agencies say is needed].",
        "[Families|Displaced families] [arriving|who reached] [in|at] [camps|schools] [near|outside] "
        "{sd_place2} [described|told of] [walking|travelling] for [days|a week] [on foot|by donkey cart].",
        "[Neighbouring|Bordering] Chad [hosts|has taken in] [hundreds of thousands|more than half a "
        "million] [of Sudanese refugees|refugees from Darfur], [many|most] of them [women and children|"
        "living in camps].",
    ),
    "markets": (
        "[The|{mk_place}'s] [statistics office|trade ministry] [will publish|is due to release] "
        "[inflation|trade] [figures|data] [on {day2}|later this week].",
        "[A stronger|A firmer] dollar [made|has made] [commodities|assets] [priced in|denominated in] "
        "the currency [more expensive|costlier] for [holders of other currencies|overseas buyers].",
        "[Dockworkers|Port workers] in {mk_place} [ended|called off] a [two-day|brief] [strike|"
        "walkout] [over pay|over working hours] [on {day2}|earlier in the week], [easing|relieving] "
        "[loading|shipping] [delays|backlogs].",
        "[Regulators|The exchange] [raised|lifted] [margin requirements|trading limits] [on|for] "
        "[several|some] [contracts|products] [after|following] [a jump in|sharp swings in] "
        "[volatility|prices].",
        "[Consumers|Retailers] [in Europe|in Asia] [have|had] [so far|until now] [absorbed|passed on] "
        "[higher|rising] [costs|prices] [without|with little] [sign of|visible drop in] demand.",
        "[A|The] [government|state] [report|survey] [on|of] [planted area|output] [is|was] [due|"
        "scheduled] [on {day2}|next month] and [could|may] [move|shift] [prices|the market] "
        "[sharply|significantly].",
        "[Options|Derivatives] [traders|desks] [bought|added] [protection|hedges] [against|for] "
        "[a sharp fall|further losses] [ahead of|before] [the data|the decision], [brokers|dealers] noted.",
        "[Smaller|Independent] [traders|merchants] in {mk_place} [complained|said] [that|] [bank "
        "credit|financing] [had become|was now] [harder|more expensive] to [obtain|secure] [since|"
        "after] [the last rate rise|the spring].",
        "[Speculators|Hedge funds] [raised|cut] their [net long|bullish] [positions|bets] [for|in] "
        "[a {nth} straight week|the {nth} week running], [exchange data|regulatory data] showed.",
        "[Weather|Rainfall] [in|across] [key growing areas|producing regions] [has been patchy since "
        "{month}|remained below average this season], [forecasters said|meteorologists said].",
        "[Port|Warehouse] [stocks|inventories] in {mk_place} [fell to a {n_months}-month low|rose for "
        "the first time in {n_months} months] [last week|on {day2}].",
        "[Mining|Farming] [companies|cooperatives] [have|had] [warned|cautioned] [that|] [higher|rising] "
        "[energy|fertiliser] costs [would|could] [squeeze|erode] [margins|profits] [this year|in the "
        "second half].",
        "[The|{mk_place}'s] [finance ministry|treasury] [kept|left] its [growth|export] [forecast|"
        "outlook] [unchanged|steady] [at|near] {pct_small}% [for the year|for this year].",
        "[Several|Two] [large|major] [buyers|importers] [delayed|postponed] [purchases|orders] "
        "[waiting for|hoping for] [lower prices|a correction], [dealers said|traders in {mk_place} said].",
    ),
}

# Paragraphs a reprinting outlet puts in front of a wire story to make it its own.
LOCAL_INTROS: tuple[str, ...] = (
    "[Community groups|Volunteers] [in|across] {outlet_city} [began|started] [collecting|organising] "
    "[donations|aid] for [families|people] in {city} [within hours of|soon after] [the news|the "
    "attack], [one organiser|a coordinator] told the {outlet_name}.",
    "[For|Among] [readers|families] [with relatives|who have relatives] in Ukraine, [the news|the "
    "latest report] [from {city}|] [brought|meant] [another|a long] [night of|evening of] [phone calls|"
    "waiting for messages], [several|many] [wrote|told] the {outlet_name}.",
    "[The {outlet_name} has followed|Our newsroom is tracking] [events|developments] in {city} "
    "[closely|since the first reports] [and will update|and is updating] [this page|this story] "
    "[as more details emerge|as information comes in].",
)

# "old" -> "new" edits an outlet's copy desk makes to agency copy.
WORD_EDITS: tuple[tuple[str, str], ...] = (
    ("defence", "defense"), ("centre", "center"), ("on Telegram", "in a Telegram post"),
    ("Russia's", "Moscow's"), ("officials", "authorities"), ("killing", "leaving dead"),
    ("attack", "assault"), ("damaged", "badly damaged"), ("shot down", "intercepted"),
    ("residents", "locals"), ("Ukrainian", "Ukraine's"), ("people", "civilians"),
)
