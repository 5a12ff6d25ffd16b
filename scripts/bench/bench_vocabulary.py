"""The word frequencies of the real notes, for synthetic knowledge bases (:mod:`bench.bench`).

Synthetic claims, quotes, summaries and titles draw their words from :data:`COUNTS` in
proportion to how often each word occurs in the claims and quotes of this repository's notes,
so a synthetic index has real text's shape: a few words in most documents ("leadership"), a
long tail of rare ones. ``python -m bench.bench_vocabulary [ROOT]`` rewrites :data:`_TEXT` from
the knowledge base at ROOT (default: the current folder); the output is deterministic.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections import Counter
from pathlib import Path

_TEXT = """
the:753 and:618 of:494 leadership:490 a:449 to:431 in:328 distributed:241 is:226 as:219 that:202 for:159 school:154 it:129 on:127 headteacher:119
s:117 staff:116 al:95 et:95 distribution:94 their:93 with:87 from:82 was:81 role:75 or:74 by:70 be:69 headteachers:69 not:64 schools:64 are:63 one:60
perspective:59 which:59 an:56 they:54 more:53 gronn:51 within:51 practice:47 spillane:47 what:47 formal:46 study:45 its:43 than:43 who:43 people:42
were:42 roles:41 head:40 through:40 key:39 teachers:39 empirical:38 leithwood:38 at:36 each:36 this:36 may:35 b:34 how:34 rather:34 can:33 support:33
about:32 but:32 leaders:32 have:31 improvement:31 others:29 cited:28 take:28 there:28 harris:27 do:26 patterns:26 them:26 work:26 both:25 influence:24
process:24 shared:24 so:24 such:24 teacher:24 day:23 had:23 lead:23 term:23 view:23 would:23 because:22 heads:22 studies:22 understanding:22 we:22
where:22 culture:21 development:21 whether:21 need:20 new:20 other:20 own:20 pupils:20 strategic:20 between:19 i:19 part:19 those:19 without:19
become:18 confidence:18 make:18 opportunistic:18 professional:18 secondary:18 sense:18 structures:18 different:17 four:17 individual:17 leader:17
learning:17 literature:17 many:17 time:17 been:16 could:16 develop:16 if:16 primary:16 range:16 research:16 when:16 all:15 c:15 case:15 forms:15
found:15 ht:15 organisation:15 pragmatic:15 these:15 up:15 way:15 around:14 described:14 figure:14 leading:14 management:14 out:14 purpose:14 six:14
spontaneous:14 three:14 two:14 alignment:13 authority:13 authors:13 change:13 cultural:13 describes:13 did:13 enabling:13 expectations:13 extent:13
given:13 has:13 having:13 nature:13 over:13 person:13 policy:13 relationship:13 review:13 self:13 terms:13 theory:13 also:12 among:12 central:12
delegation:12 developing:12 encouraging:12 hierarchical:12 lacks:12 might:12 misalignment:12 phase:12 point:12 post:12 power:12 processes:12
relationships:12 responsibility:12 said:12 see:12 subject:12 substance:12 teaching:12 torrance:12 trust:12 values:12 able:11 back:11 being:11 come:11
data:11 find:11 identity:11 much:11 murphy:11 no:11 often:11 only:11 some:11 still:11 taking:11 themselves:11 then:11 you:11 activity:10 agency:10
asked:10 designated:10 does:10 educational:10 elementary:10 elmore:10 evaluation:10 every:10 external:10 forward:10 frost:10 heroic:10 informal:10
into:10 itself:10 paradox:10 seen:10 since:10 social:10 us:10 very:10 although:9 classroom:9 clear:9 collective:9 commitment:9 common:9 definition:9
describe:9 dispersed:9 example:9 exercise:9 experience:9 facilitating:9 feel:9 few:9 field:9 go:9 high:9 incremental:9 initiative:9 initiatives:9
language:9 ncsl:9 needs:9 position:9 principal:9 reflection:9 risk:9 saw:9 set:9 taken:9 things:9 timperley:9 told:9 top:9 understandings:9
accountability:8 ad:8 built:8 catch:8 coldren:8 complexity:8 critical:8 discussion:8 doing:8 duignan:8 expertise:8 focus:8 gift:8 hoc:8 importance:8
lived:8 long:8 member:8 members:8 most:8 multi:8 naturally:8 normative:8 number:8 opportunity:8 overall:8 ownership:8 perceived:8 phases:8 planning:8
principals:8 question:8 reciprocity:8 right:8 she:8 skills:8 sqh:8 standing:8 t:8 team:8 think:8 used:8 vision:8 well:8 will:8 working:8 workload:8
across:7 actions:7 activities:7 adequate:7 alternatives:7 any:7 approach:7 becomes:7 body:7 build:7 building:7 crowther:7 despite:7 direction:7 done:7
effect:7 engage:7 environment:7 expressed:7 felt:7 findings:7 flow:7 focused:7 give:7 growing:7 hallinger:7 heck:7 her:7 hierarchy:7 important:7
intentions:7 internal:7 interviews:7 job:7 know:7 knowledge:7 large:7 largely:7 level:7 lies:7 mayrowetz:7 national:7 organisational:7 paper:7
perhaps:7 planful:7 planned:7 potential:7 practices:7 quality:7 rallying:7 re:7 robinson:7 same:7 something:7 specific:7 structure:7 supporting:7
whilst:7 willingness:7 workshops:7 anarchic:6 anyone:6 appeared:6 argues:6 article:6 aspects:6 bottom:6 capacity:6 categories:6 conferred:6 control:6
defines:6 delegated:6 demands:6 democratic:6 dependent:6 developed:6 developmental:6 distinctive:6 distributing:6 down:6 education:6 embedded:6 even:6
events:6 everyone:6 extend:6 extensive:6 factors:6 finds:6 followers:6 further:6 giving:6 got:6 greater:6 hard:6 headship:6 helps:6 increasingly:6
intuitive:6 junior:6 just:6 like:6 limitations:6 little:6 mascall:6 middle:6 model:6 needed:6 now:6 parallel:6 pressure:6 problematic:6 project:6
purposeful:6 recognised:6 relation:6 relatively:6 researcher:6 responsibilities:6 scale:6 scottish:6 shadowing:6 simply:6 situation:6 style:6
suggest:6 suggested:6 teams:6 texts:6 thinking:6 use:6 ve:6 whole:6 worked:6 writings:6 years:6 yet:6 always:5 approaches:5 assumed:5 assumptions:5
aware:5 based:5 basis:5 became:5 behind:5 believed:5 bennett:5 came:5 cannot:5 capable:5 caught:5 challenges:5 changes:5 characteristics:5 charmaz:5
climate:5 colleagues:5 commentators:5 complex:5 confident:5 context:5 create:5 creates:5 culturally:5 cultures:5 define:5 difficult:5 discourse:5
distinctiveness:5 draw:5 durrant:5 e:5 enough:5 established:5 exercised:5 extending:5 feedback:5 first:5 following:5 formally:5 function:5 g:5 goal:5
goals:5 good:5 group:5 hallmarks:5 here:5 history:5 hybrid:5 ideas:5 identified:5 increased:5 incrementally:5 individuals:5 interactions:5 let:5
levels:5 likely:5 limiting:5 limits:5 local:5 longer:5 louis:5 made:5 maintaining:5 modelling:5 move:5 must:5 outcomes:5 p:5 particular:5 placed:5
play:5 players:5 reflections:5 respond:5 rhetoric:5 searching:5 seemed:5 show:5 small:5 sometimes:5 stages:5 stand:5 strength:5 strong:5 structured:5
tend:5 theoretical:5 traditional:5 usually:5 ways:5 while:5 whose:5 woods:5 words:5 writing:5 account:4 acknowledge:4 actually:4 almost:4 analytical:4
arising:4 assistant:4 atmosphere:4 barriers:4 becoming:4 belief:4 benefits:4 best:4 beyond:4 capability:4 category:4 children:4 collaboration:4
collegiality:4 community:4 competing:4 complementary:4 concentrated:4 conceptualising:4 considered:4 currently:4 decisions:4 defined:4 diamond:4
differences:4 dinham:4 don:4 drawing:4 during:4 early:4 encourages:4 endorsement:4 enhanced:4 evidence:4 examined:4 faceted:4 far:4 fertile:4 fluid:4
gathered:4 government:4 guidance:4 hartley:4 however:4 human:4 include:4 inclusive:4 ing:4 instructional:4 intelligence:4 keeping:4 kept:4 letting:4
leverett:4 main:4 martin:4 matter:4 matters:4 meanings:4 mulford:4 multiple:4 mutual:4 named:4 necessary:4 norm:4 observes:4 once:4
opportunistically:4 orientation:4 parallels:4 plan:4 policies:4 precondition:4 pressures:4 problems:4 programme:4 prominently:4 promoting:4
providing:4 questioning:4 questionnaire:4 realities:4 realties:4 recognise:4 reform:4 remains:4 reported:4 researchers:4 risks:4 safe:4 sample:4
semi:4 senior:4 sequence:4 setting:4 shadowed:4 showing:4 silins:4 single:4 site:4 size:4 stage:4 status:4 stories:4 strategically:4 substantial:4
successful:4 suggests:4 surfaced:4 survival:4 sustainability:4 sustained:4 tandem:4 together:4 too:4 took:4 understood:4 want:4 wide:4 willingly:4
works:4 zarlins:4 accept:3 according:3 accurate:3 action:3 allowed:3 alone:3 alternative:3 another:3 appear:3 argue:3 asks:3 assessment:3 assigning:3
assume:3 avoid:3 before:3 began:3 beginning:3 behaviour:3 called:3 carefully:3 caring:3 cases:3 centre:3 child:3 chosen:3 clandinin:3 combination:3
coming:3 concept:3 conclude:3 connelly:3 conscious:3 constrained:3 constraining:3 contested:3 creativity:3 crucial:3 depended:3 depending:3
describing:3 designed:3 display:3 distinct:3 distinctions:3 distinguish:3 draws:3 effectiveness:3 effects:3 efforts:3 eight:3 emerged:3 end:3
engagement:3 equity:3 essential:3 ethos:3 exceptional:3 exists:3 explore:3 explored:3 extended:3 five:3 full:3 future:3 gave:3 going:3 graduates:3
ground:3 grounded:3 grow:3 guided:3 heavily:3 held:3 help:3 hold:3 holding:3 holds:3 impact:3 implicit:3 imply:3 included:3 including:3 information:3
inside:3 institution:3 instrumental:3 integral:3 interpersonal:3 involved:3 involvement:3 known:3 lacking:3 legitimise:3 lessen:3 limited:3 lists:3
located:3 lofty:3 lone:3 looking:3 lot:3 macbeath:3 major:3 me:3 mean:3 meaning:3 measured:3 meet:3 method:3 mixed:3 my:3 name:3 narrative:3
negative:3 notion:3 occurs:3 organisations:3 organization:3 oriented:3 otherwise:3 our:3 outside:3 participants:3 pascal:3 pervasive:3 played:3
points:3 pragmatically:3 produce:3 promises:3 public:3 published:3 purposefully:3 purposely:3 qualitative:3 quite:3 rarely:3 readiness:3 reality:3
really:3 recruited:3 remain:3 remained:3 resented:3 response:3 result:3 ribbins:3 round:3 sectors:3 seven:3 showed:3 side:3 situated:3 situational:3
sociograms:3 sociometric:3 south:3 starting:3 stayed:3 step:3 strategy:3 structural:3 students:3 subversion:3 sustaining:3 therefore:3 thrive:3 tied:3
traditions:3 truly:3 uk:3 under:3 unintended:3 unproblematic:3 untested:3 uses:3 using:3 varied:3 wales:3 weakens:3 wider:3 wishes:3 workshop:3
ability:2 absence:2 accommodate:2 accountabilities:2 acted:2 adopts:2 adults:2 affect:2 after:2 agencies:2 agenda:2 agree:2 alongside:2 alphabet:2
analysed:2 analyses:2 analysis:2 anderson:2 apart:2 aphorisms:2 appointment:2 appointments:2 appropriate:2 arise:2 arrangements:2 ask:2 aspect:2
aspirational:2 asserting:2 assuming:2 assurance:2 astute:2 attached:2 attention:2 attributed:2 audit:2 autonomy:2 avoiding:2 awareness:2 away:2 bee:2
begin:2 begun:2 believe:2 bell:2 better:2 block:2 blur:2 bringing:2 brundrett:2 bureaucracy:2 buy:2 call:2 canadian:2 candidates:2 capital:2 career:2
careful:2 cautions:2 cautiously:2 challenged:2 challenging:2 changed:2 chaos:2 characterised:2 charismatic:2 clarity:2 class:2 clearly:2 cohen:2
coherent:2 collaborative:2 collaboratively:2 college:2 colluding:2 collusion:2 collusive:2 comes:2 comfortable:2 communicating:2 communication:2
companion:2 compass:2 complain:2 comprised:2 concepts:2 conceptualisation:2 concern:2 concerned:2 condition:2 conducted:2 configuration:2 confined:2
conflicting:2 conspicuous:2 constant:2 constantly:2 construct:2 constructive:2 contemporary:2 contends:2 contingency:2 continuum:2 contrast:2
contribute:2 contributes:2 contrived:2 conversations:2 convincing:2 coordination:2 coordinators:2 course:2 creation:2 curriculum:2 days:2 debate:2
deeper:2 definitions:2 degree:2 delegates:2 delegating:2 demonstrate:2 dense:2 depends:2 depth:2 description:2 descriptive:2 descriptors:2 designer:2
desirable:2 determined:2 determining:2 develops:2 dfes:2 difference:2 differing:2 discrete:2 discussions:2 dislocation:2 displays:2 distributive:2
district:2 division:2 domains:2 dominant:2 driven:2 dynamic:2 economy:2 edited:2 educators:2 effort:2 eighteen:2 emerge:2 emerging:2 emphasis:2
employed:2 employing:2 empowerment:2 enabled:2 encouraged:2 encouragement:2 endorsed:2 energetic:2 energy:2 engaged:2 england:2 enmeshed:2 enquiry:2
enthusiasm:2 enthusiastic:2 especially:2 essentially:2 establish:2 establishing:2 esteem:2 ever:2 everybody:2 evolving:2 examines:2 examples:2
excellence:2 exchange:2 exemplified:2 exemplifying:2 facilitated:2 facilitators:2 faire:2 fed:2 final:2 finding:2 fine:2 fixed:2 flatter:2 fletcher:2
flourish:2 focusing:2 forsyth:2 forth:2 frequently:2 friend:2 fulfilling:2 fullan:2 fully:2 generally:2 genuine:2 get:2 getting:2 gives:2 gradual:2
grew:2 grows:2 growth:2 gunter:2 hammersley:2 happens:2 hargreaves:2 he:2 helm:2 hertfordshire:2 heterarchy:2 highlight:2 his:2 hive:2 honest:2
honesty:2 hope:2 hypothesis:2 identifies:2 identifying:2 implies:2 improve:2 inadequacies:2 inadequacy:2 ineffective:2 initiating:2 insight:2
inspection:2 instead:2 instinctive:2 instinctively:2 integrity:2 intentionally:2 interchangeably:2 interdependencies:2 internalised:2 international:2
interplay:2 interpretations:2 interpretative:2 invited:2 involve:2 involves:2 involving:2 iterative:2 jobs:2 keen:2 keeps:2 kid:2 kind:2 knowing:2
laboratory:2 labour:2 lack:2 lacked:2 laissez:2 lambert:2 latent:2 later:2 lateral:2 latitude:2 leaves:2 left:2 legitimisation:2 legitimised:2
legitimising:2 legitimized:2 less:2 lie:2 life:2 likened:2 linked:2 locates:2 longitudinal:2 look:2 m:2 makes:2 making:2 managers:2 managing:2 means:2
meant:2 mentoring:2 micro:2 mix:2 monitoring:2 months:2 mostly:2 motivated:2 moves:2 moving:2 multiply:2 namely:2 neatly:2 necessarily:2 necessity:2
networks:2 next:2 nishimura:2 non:2 nor:2 normally:2 notes:2 nursery:2 nurturing:2 obsolete:2 off:2 offer:2 ofsted:2 ongoing:2 ontario:2 operate:2
operated:2 operating:2 orchestrators:2 organizational:2 overlapped:2 overview:2 oxymoron:2 packaged:2 parameters:2 paramount:2 participation:2
partly:2 pattern:2 perceive:2 perceptions:2 performance:2 period:2 personal:2 personality:2 philosophy:2 pivotal:2 place:2 plays:2 politically:2
popular:2 portfolio:2 positioned:2 positions:2 positively:2 possibilities:2 potentially:2 powerful:2 practised:2 practising:2 prescriptive:2
presence:2 present:2 presented:2 presenting:2 principle:2 principles:2 prioritised:2 privately:2 problem:2 professionalism:2 progress:2 promotes:2
proposed:2 prove:2 provide:2 provides:2 pulling:2 purposes:2 purposive:2 purposively:2 pursuit:2 pyramid:2 qca:2 qualification:2 qualities:2 queen:2
questionnaires:2 questions:2 quo:2 radically:2 raising:2 rate:2 reaction:2 read:2 real:2 reasonably:2 reasoning:2 reciprocal:2 recognized:2
reconceptualisation:2 reduce:2 reference:2 reflecting:2 refused:2 relevant:2 renewal:2 repertoire:2 represent:2 resonance:2 respect:2 respective:2
resulted:2 retaining:2 ripple:2 ritual:2 robust:2 rocks:2 rub:2 running:2 say:2 scope:2 scrutiny:2 secured:2 securing:2 security:2 seed:2 seeking:2
seem:2 selected:2 sensitive:2 separate:2 servant:2 serve:2 share:2 sharing:2 shift:2 shifting:2 should:2 shows:2 similarly:2 singular:2 sixth:2
slogan:2 solo:2 solving:2 soup:2 southworth:2 specialism:2 spectrum:2 sponsored:2 spontaneously:2 spread:2 stakeholders:2 stakes:2 stance:2 started:2
starts:2 state:2 strongly:2 struggled:2 styles:2 subjects:2 sufficient:2 supporters:2 supports:2 survive:2 sutherland:2 symbiotic:2 systematic:2
systems:2 takes:2 talk:2 task:2 taxonomy:2 tensions:2 territory:2 test:2 thought:2 threatening:2 throughout:2 times:2 title:2 towards:2
transformational:2 trapped:2 tread:2 tried:2 try:2 trying:2 turnaround:2 ultimately:2 uncharted:2 undefined:2 uneasily:2 unpredictable:2 various:2
vertical:2 virus:2 volume:2 water:2 whereby:2 widely:2 widens:2 word:2 workforce:2 worst:2 writers:2 x:2 y:2 year:2 youngest:2 your:2 zealand:2
absent:1 acceptant:1 accepting:1 accordingly:1 accountable:1 accounts:1 accurately:1 achieving:1 acquire:1 act:1 acts:1 add:1 added:1 additional:1
addressed:1 adequately:1 administrator:1 admit:1 adopted:1 advantage:1 affected:1 again:1 against:1 aged:1 ago:1 aim:1 aimed:1 albeit:1 aligned:1
alive:1 alleviate:1 allow:1 ally:1 along:1 am:1 ambitious:1 amount:1 amounted:1 analysing:1 ancillary:1 announces:1 anything:1 apex:1 apparent:1
applicable:1 applies:1 appointed:1 areas:1 arguably:1 argued:1 arises:1 arose:1 articulated:1 artificial:1 ascertain:1 assessed:1 assignment:1
assimilate:1 assistants:1 assisting:1 assumes:1 attach:1 attempt:1 attempts:1 attend:1 attribute:1 attributes:1 audience:1 authorises:1 authorities:1
available:1 awful:1 backlogs:1 behave:1 behavior:1 below:1 bennet:1 bit:1 bits:1 book:1 born:1 borrows:1 boundaries:1 breadth:1 builds:1 buttons:1
bypass:1 calls:1 capture:1 care:1 carried:1 catalyst:1 catalysts:1 centred:1 chance:1 character:1 characterisation:1 characterise:1 characterises:1
check:1 choices:1 circumstances:1 circumvented:1 citing:1 clashed:1 classes:1 close:1 clue:1 collected:1 collections:1 collegially:1 commanded:1
comment:1 commitments:1 committed:1 communities:1 compared:1 competence:1 competences:1 competencies:1 complexities:1 concede:1 conceived:1
conception:1 conceptualise:1 conceptualizing:1 concerns:1 concert:1 concluded:1 concludes:1 concluding:1 conditions:1 conducting:1 confidently:1
confirmed:1 confirms:1 conflict:1 consensus:1 consequences:1 consider:1 considerable:1 conspicuously:1 constituting:1 constrains:1 constructions:1
contained:1 contextual:1 contributed:1 contribution:1 contributors:1 controlling:1 convey:1 copied:1 costs:1 counted:1 courting:1 covered:1 criteria:1
critically:1 criticise:1 critique:1 cross:1 crucially:1 danger:1 date:1 deal:1 decade:1 decide:1 deciding:1 decision:1 declares:1 deep:1 defining:1
definitely:1 deliberate:1 deliberately:1 demanded:1 democratically:1 demonstrates:1 departure:1 depend:1 depict:1 deployed:1 deployment:1 deputes:1
deputies:1 deputy:1 descriptions:1 deserves:1 design:1 desired:1 determine:1 devoid:1 devolving:1 diary:1 didn:1 differentiated:1 discerned:1
discernments:1 discomfort:1 discussed:1 dislocated:1 disposed:1 dissent:1 distinguished:1 distinguishing:1 districts:1 dl:1 doesn:1 dominates:1 due:1
ease:1 easily:1 ed:1 elected:1 election:1 embark:1 embraces:1 emerges:1 emphasized:1 employ:1 empowered:1 enables:1 encompassed:1 encountered:1
endanger:1 ending:1 endorses:1 engages:1 engineering:1 english:1 entail:1 entire:1 equated:1 equating:1 equitable:1 escape:1 etc:1 event:1
everything:1 evolve:1 evolves:1 examination:1 examinations:1 exception:1 exemplify:1 exert:1 existed:1 existing:1 expect:1 expectation:1 expected:1
expecting:1 experienced:1 experiences:1 expert:1 explain:1 explicit:1 explores:1 exploring:1 exposed:1 expresses:1 expression:1 expressions:1
extends:1 extension:1 faced:1 facilitates:1 facilitative:1 fail:1 failure:1 failures:1 farmed:1 feature:1 feels:1 figurehead:1 flexibility:1 focuses:1
followed:1 followership:1 follows:1 football:1 formality:1 formed:1 forming:1 frames:1 frequency:1 fulfilled:1 fulfils:1 furthermore:1 gained:1 gate:1
gatekeeper:1 gatekeepers:1 gatekeeping:1 gauging:1 graduated:1 granted:1 grappling:1 grasps:1 great:1 grips:1 grounds:1 hand:1 handed:1 handles:1
hang:1 happen:1 harnessed:1 headeacher:1 heavy:1 helped:1 helpful:1 highlighted:1 highlights:1 highly:1 hinder:1 hinders:1 holders:1 idea:1
identification:1 identify:1 identities:1 ignore:1 impacted:1 implementation:1 implications:1 improving:1 inclined:1 incoherence:1 incorporated:1
increases:1 indeed:1 indicated:1 indispensable:1 individualised:1 individualising:1 individually:1 influences:1 inherent:1 inimical:1 initially:1
initiators:1 innovative:1 inquiry:1 instruction:1 inter:1 interacted:1 interconnections:1 interested:1 internally:1 interrogated:1 interviewees:1
introduced:1 introduction:1 invisible:1 isn:1 issue:1 issues:1 item:1 jam:1 joint:1 judged:1 judgement:1 judgements:1 judging:1 keep:1 knew:1 larger:1
leads:1 learn:1 learners:1 learns:1 learnt:1 least:1 leave:1 led:1 legitimizing:1 lending:1 lexicon:1 limitation:1 links:1 ll:1 locally:1 looked:1
looks:1 losing:1 lying:1 maintained:1 manage:1 managed:1 manager:1 mandate:1 manion:1 manipulating:1 manipulation:1 mapped:1 marked:1 marks:1
mattered:1 meaningful:1 measure:1 measures:1 medium:1 meetings:1 mental:1 merited:1 met:1 methods:1 mind:1 miss:1 missing:1 mission:1 modelled:1
momentum:1 month:1 mores:1 morrison:1 motivation:1 mount:1 moved:1 movement:1 narrow:1 navigating:1 needing:1 neighbourhood:1 network:1 newly:1
notably:1 noting:1 nsw:1 nurse:1 obliged:1 observe:1 observing:1 occasion:1 occasions:1 occupy:1 offered:1 offers:1 officer:1 okay:1 operates:1
operation:1 operational:1 opportunities:1 orchestra:1 organically:1 organised:1 organizations:1 outcome:1 outlook:1 outsiders:1 overcome:1
overcoming:1 overlap:1 pace:1 paced:1 pacing:1 package:1 pains:1 parents:1 partial:1 participate:1 pass:1 pastoral:1 perception:1 pervaded:1
phrasing:1 picture:1 pitch:1 places:1 playing:1 plus:1 portrayed:1 portrays:1 positive:1 possible:1 possibly:1 postgraduate:1 posts:1 pre:1 presents:1
pressured:1 primarily:1 prior:1 producing:1 product:1 professionally:1 profile:1 progresses:1 progressing:1 prominence:1 prominent:1 promote:1
promoted:1 proposes:1 proposing:1 proved:1 provided:1 publicly:1 pushing:1 put:1 putting:1 questioned:1 raised:1 raises:1 ran:1 rationale:1 reach:1
reaches:1 reaching:1 reason:1 reassuring:1 recall:1 recommendation:1 recommendations:1 recommends:1 reconceptualise:1 reconceptualised:1 record:1
recruiting:1 recruitment:1 reduced:1 reducing:1 reflect:1 reflective:1 reflects:1 refusing:1 regard:1 reinforces:1 rejected:1 relating:1 relations:1
relinquish:1 remarked:1 reminiscent:1 remit:1 renews:1 reporting:1 reports:1 represented:1 require:1 required:1 requires:1 requiring:1 requisite:1
resentment:1 resides:1 resistance:1 resistant:1 respecting:1 results:1 retained:1 return:1 returning:1 roger:1 room:1 rope:1 route:1 rural:1
sagacious:1 saliently:1 sampling:1 satisfying:1 says:1 sceptical:1 second:1 secondly:1 seeing:1 seems:1 sees:1 senco:1 send:1 serious:1 serves:1
serving:1 settings:1 several:1 sfh:1 shadowee:1 shadower:1 shaped:1 shifts:1 short:1 signaling:1 signalled:1 significance:1 significant:1 sits:1
smaller:1 somebody:1 someone:1 sort:1 sources:1 space:1 special:1 spelt:1 spent:1 springs:1 standard:1 standards:1 start:1 states:1 stay:1 stays:1
steering:1 stood:1 story:1 strauss:1 stress:1 stressful:1 striking:1 striving:1 studying:1 subversive:1 succeeds:1 suggestion:1 suits:1 supplies:1
supportive:1 suppose:1 sure:1 surfacing:1 sustain:1 switches:1 system:1 talent:1 talented:1 tangible:1 target:1 targeted:1 tc:1 teamwork:1 tenet:1
tension:1 tentatively:1 termed:1 termly:1 testing:1 tests:1 thereby:1 thing:1 third:1 though:1 tick:1 timing:1 timings:1 today:1 tool:1 transactions:1
transfers:1 treated:1 turned:1 turning:1 twice:1 types:1 typical:1 typicality:1 typically:1 undercut:1 undermine:1 understand:1 understands:1
underused:1 underutilised:1 undoubtedly:1 uneasy:1 unequivocally:1 uniform:1 unlike:1 unplanned:1 untried:1 unwise:1 upon:1 urban:1 utilising:1
validate:1 validation:1 valued:1 variety:1 variously:1 venture:1 verification:1 vibrant:1 viewed:1 virtue:1 visible:1 visibly:1 voices:1 walls:1
wanted:1 wants:1 warily:1 warns:1 watched:1 watertight:1 weakened:1 weaker:1 week:1 weeks:1 whatever:1 whichever:1 whoever:1 widen:1 willing:1 wish:1
wished:1 witnessed:1 won:1 worried:1 wrought:1 yr:1 zarins:1
"""

COUNTS: dict[str, int] = {word: int(count) for word, _, count in (item.partition(":") for item in _TEXT.split())}


def vocabulary_from_kb(root: Path) -> Counter[str]:
    """Lower-case alphabetic words of every claim's text and quote in the knowledge base at ``root``."""
    from litkb.rules.link import build_kb

    counts: Counter[str] = Counter()
    for claim in build_kb(root).claims:
        counts.update(w.lower() for w in re.findall(r"[A-Za-z]+", f"{claim.text} {claim.quote}"))
    return counts


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(".")
    counts = vocabulary_from_kb(root)
    items = " ".join(f"{word}:{count}" for word, count in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])))
    body = textwrap.fill(items, width=150, break_long_words=False, break_on_hyphens=False)
    path = Path(__file__)
    source = path.read_text(encoding="utf-8")
    start = source.index('_TEXT = """') + len('_TEXT = """')
    end = source.index('"""', start)
    path.write_text(source[:start] + "\n" + body + "\n" + source[end:], encoding="utf-8")
    print(f"{len(counts)} words, {sum(counts.values())} occurrences -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
