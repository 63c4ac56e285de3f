"""Original prose for the generated extraction benchmark pages (bench/make_extraction_pages.py).

Written for this benchmark (not scraped): a few conflict-coverage themes per language, each with
headlines and body paragraphs, plus the page furniture that must never reach the extracted text
(reader comments, author bios, related headlines, newsletter and cookie wording). Keeping the prose
here and the templates in the generator lets a reviewer read either one on its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    place: str
    titles: tuple[str, ...]
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Language:
    code: str
    direction: str
    themes: tuple[Theme, ...]
    authors: tuple[str, ...]
    bios: tuple[str, ...]
    comments: tuple[str, ...]
    commenters: tuple[str, ...]
    ui: dict[str, str]


EN = Language(
    code="en",
    direction="ltr",
    themes=(
        Theme(
            place="STEPANAKERT",
            titles=(
                "Shelling resumes around Stepanakert hours after humanitarian truce",
                "Residents of Stepanakert spend another night in basements as truce falters",
                "Mediators scramble to rescue Karabakh ceasefire",
            ),
            paragraphs=(
                "Artillery fire was heard across the city on Sunday evening, barely twelve hours after a "
                "humanitarian truce brokered in Moscow was due to take effect, according to local officials "
                "and residents reached by telephone.",
                "The regional emergency service said two apartment blocks near the central market were hit "
                "and that rescue teams were still searching the rubble for a family of four.",
                "Both sides accused each other of breaking the agreement first. The defence ministry in "
                "Yerevan published drone footage it said showed rocket launchers moving towards the front, "
                "while Baku said its positions had come under fire from the north.",
                "The International Committee of the Red Cross, which was supposed to oversee the exchange of "
                "bodies and detainees, said its teams were ready but that the security guarantees had not "
                "been given.",
                "In the basement of a school on Azatamartikneri Avenue, about forty people, most of them "
                "women and children, have been sleeping on mattresses since the fighting began. A generator "
                "provides light for two hours each evening.",
                "Diplomats from France, Russia and the United States, which co-chair the mediation group, "
                "issued a joint statement calling the violations unacceptable and urging both capitals to "
                "return to talks without preconditions.",
                "Analysts said the truce had always been fragile because it set no monitoring mechanism and "
                "left the line of contact undefined in several districts.",
            ),
        ),
        Theme(
            place="KHARKIV",
            titles=(
                "Drone attack knocks out power to parts of Kharkiv",
                "Kharkiv repairs grid again after overnight strike",
                "Energy workers race to restore heating in Kharkiv",
            ),
            paragraphs=(
                "A wave of attack drones struck energy facilities in and around Kharkiv overnight, cutting "
                "electricity to roughly 200,000 households, the regional governor said on Tuesday morning.",
                "Air defence units shot down most of the drones, officials said, but at least three reached "
                "a substation on the eastern edge of the city and started a fire that burned for several "
                "hours.",
                "Trams and trolleybuses stopped running and the metro switched to reserve power. Schools "
                "moved lessons online for the rest of the week.",
                "Engineers from the national grid operator said they hoped to restore supply to hospitals and "
                "water pumping stations within a day, but warned that scheduled outages would continue.",
                "It was the fourth large attack on the city's energy system this month. Residents have "
                "bought generators and power banks, and cafes advertise themselves as places to charge "
                "phones.",
                "\u201cWe have learned to live with it, but every time the winter gets closer it becomes "
                "harder,\u201d said Olena, a pharmacist who asked that her surname not be used.",
                "International donors have pledged transformers and spare parts, but officials say "
                "deliveries take weeks and the equipment is hard to protect.",
            ),
        ),
        Theme(
            place="GAZA",
            titles=(
                "Aid convoy reaches northern Gaza after weeks of delays",
                "First trucks in weeks cross into northern Gaza",
                "UN warns aid to Gaza remains far below needs",
            ),
            paragraphs=(
                "A convoy of fourteen trucks carrying flour, medical supplies and water purification tablets "
                "reached the north of the Gaza Strip on Thursday, the first to arrive in more than three "
                "weeks, United Nations officials said.",
                "Crowds gathered along the coastal road as the trucks passed, and aid workers said parts of "
                "the cargo were taken before it could reach the distribution point.",
                "The World Food Programme said the delivery was a fraction of what was needed and called for "
                "more crossings to be opened and for safe routes inside the territory.",
                "Doctors at one of the few partly functioning hospitals said they were treating children for "
                "acute malnutrition and that fuel for the generators would last only a few more days.",
                "Israeli officials said they were facilitating the entry of aid and blamed distribution "
                "problems on the United Nations and on armed groups.",
                "Negotiators in Cairo and Doha continued talks on a pause in the fighting that would include "
                "the release of hostages and a large increase in deliveries.",
                "Relief agencies said that airdrops and a planned sea corridor could not replace road "
                "access, which remains the cheapest and fastest way to move supplies at scale.",
            ),
        ),
        Theme(
            place="KHARTOUM",
            titles=(
                "Fighting in Sudan's capital drives new wave of displacement",
                "Sudan's war reaches another city as civilians flee Khartoum suburbs",
                "Neighbouring states struggle as Sudanese refugees arrive",
            ),
            paragraphs=(
                "Heavy fighting between the army and the paramilitary Rapid Support Forces spread to new "
                "districts of Omdurman this week, forcing thousands of families to leave their homes.",
                "Residents described artillery exchanges across the Nile and said snipers had made it "
                "impossible to reach markets or hospitals for days at a time.",
                "The International Organization for Migration said more than nine million people had been "
                "displaced inside the country since the war began, the largest such crisis in the world.",
                "At the border crossing with Chad, aid groups reported that new arrivals were mostly women "
                "and children, many of them exhausted after walking for several days.",
                "Talks hosted in Jeddah have been suspended several times, and each side accuses the other "
                "of using the pauses to regroup.",
                "Local volunteer groups known as emergency response rooms run communal kitchens in many "
                "neighbourhoods, but they say funds and supplies are running out.",
                "The UN humanitarian appeal for Sudan is less than a fifth funded, officials said, and "
                "warned of famine conditions in parts of Darfur and Kordofan.",
            ),
        ),
        Theme(
            place="GOMA",
            titles=(
                "Rebel advance near Goma raises fears of wider regional war",
                "Displacement camps around Goma swell as fighting nears",
            ),
            paragraphs=(
                "Rebels of the M23 movement advanced to within twenty kilometres of Goma on Monday, "
                "according to residents and army sources, cutting one of the main roads into the city.",
                "Camps on the outskirts of the city already shelter hundreds of thousands of people who fled "
                "earlier fighting in the hills of North Kivu.",
                "The Congolese government accuses neighbouring Rwanda of backing the rebels, a charge Kigali "
                "denies while saying it must protect its border against hostile armed groups.",
                "Regional leaders meeting in Luanda called for an immediate ceasefire and the withdrawal of "
                "rebel forces from captured towns.",
                "Aid workers said cholera cases were rising in the camps, where clean water and latrines are "
                "scarce and new arrivals set up shelters from branches and plastic sheets.",
                "Peacekeepers of the United Nations mission, which is due to leave the country, said they "
                "had reinforced positions around the city.",
            ),
        ),
    ),
    authors=("Raffi Hovsepian", "Claire Donnelly", "Samir Haddad", "Anna Petrenko", "David Okafor"),
    bios=(
        "{name} is a correspondent covering the South Caucasus and Eastern Europe. Before joining the "
        "desk, {first} reported for regional broadcasters and taught journalism in Tbilisi.",
        "{name} writes about humanitarian affairs and conflict. Follow {first} on Twitter for updates "
        "from the field. Contact: newsdesk@example.org",
        "{name} is our senior editor for international news and the host of the weekly podcast "
        "Frontline Briefing.",
    ),
    comments=(
        "Thank you for reporting from the ground, nobody else covers this properly.",
        "The mediators keep issuing statements while people are dying. Enough words, where are the "
        "actions?",
        "This article leaves out the history of the region completely. Read a book before writing.",
        "Praying for everyone in the basements tonight. Stay safe.",
        "Why is the West silent? Same story every year and nothing changes.",
    ),
    commenters=("Aram K.", "trueobserver77", "Mariam", "J. Whitfield", "northern_light"),
    ui={
        "related": "Related stories",
        "read_more": "Read more:",
        "see_also": "See also:",
        "newsletter_title": "Get the Morning Briefing",
        "newsletter_text": "Sign up for our newsletter and receive the day's top conflict coverage in your "
        "inbox every morning.",
        "newsletter_button": "Subscribe",
        "cookie_text": "We use cookies to improve your experience, personalise content and analyse our "
        "traffic. By continuing to browse you agree to our use of cookies.",
        "cookie_accept": "Accept all",
        "share": "Share this article",
        "comments_title": "Comments",
        "leave_reply": "Leave a Reply",
        "reply_note": "Your email address will not be published. Required fields are marked.",
        "most_read": "Most read",
        "tags": "Tags",
        "by": "By",
        "photo": "Photo",
        "home": "Home",
        "world": "World",
        "live": "Live",
        "key_events": "Key events",
        "copyright": "All rights reserved.",
        "about": "About the author",
        "advert": "Advertisement",
        "reply": "Reply",
        "gallery": "Gallery",
    },
)

FR = Language(
    code="fr",
    direction="ltr",
    themes=(
        Theme(
            place="BAMAKO",
            titles=(
                "Au Mali, l'armée et ses alliés accusés d'exactions dans le centre du pays",
                "Mali : des villages du centre désertés après une nouvelle attaque",
            ),
            paragraphs=(
                "Plusieurs dizaines de civils ont été tués la semaine dernière dans la région de Mopti, selon "
                "des témoignages recueillis par des organisations de défense des droits humains.",
                "Les habitants décrivent l'arrivée de soldats accompagnés d'hommes armés étrangers, des "
                "arrestations en pleine journée de marché et des corps retrouvés le lendemain au bord de la "
                "route.",
                "Les autorités de transition ont rejeté ces accusations et affirment que les opérations "
                "visaient uniquement des groupes terroristes actifs dans la zone.",
                "Depuis le départ de la mission des Nations unies, il est devenu très difficile de vérifier "
                "les informations venues du terrain, reconnaissent les chercheurs.",
                "Des milliers de personnes ont rejoint les camps de déplacés proches de Sévaré, où "
                "l'approvisionnement en eau et en nourriture reste très insuffisant.",
                "Les organisations humanitaires demandent un accès sans entrave aux zones touchées et "
                "l'ouverture d'une enquête indépendante.",
            ),
        ),
        Theme(
            place="KYIV",
            titles=(
                "Ukraine : à Kyiv, les habitants s'organisent face aux coupures d'électricité",
                "Frappes sur le réseau électrique : Kyiv vit au rythme des générateurs",
            ),
            paragraphs=(
                "Dans les immeubles de la rive gauche, les ascenseurs sont à l'arrêt et les habitants montent "
                "l'eau à pied jusqu'aux étages les plus élevés.",
                "La compagnie d'électricité a publié un nouveau calendrier de coupures, qui peuvent durer "
                "jusqu'à douze heures par jour dans certains quartiers.",
                "Les boulangeries et les pharmacies ont installé des générateurs, et les files d'attente se "
                "forment dès l'aube devant les points de chauffe ouverts par la mairie.",
                "Le gouvernement ukrainien a appelé ses partenaires européens à livrer davantage de systèmes "
                "de défense antiaérienne pour protéger les centrales et les sous-stations.",
                "Malgré la fatigue, beaucoup refusent de partir. « C'est notre ville, nous restons », "
                "explique une enseignante retraitée qui vit au neuvième étage.",
                "Les ingénieurs du réseau travaillent jour et nuit pour réparer les installations touchées, "
                "souvent sous la menace de nouvelles alertes aériennes.",
            ),
        ),
        Theme(
            place="BEYROUTH",
            titles=(
                "Liban : des milliers de familles fuient les villages du Sud",
                "Au Sud-Liban, les frappes transfrontalières vident les villages",
            ),
            paragraphs=(
                "Les échanges de tirs à la frontière entre le Liban et Israël ont poussé des milliers de "
                "familles à quitter leurs villages pour se réfugier à Tyr ou à Beyrouth.",
                "Dans les écoles transformées en centres d'accueil, les matelas s'alignent dans les salles "
                "de classe et les bénévoles distribuent des repas deux fois par jour.",
                "Les agriculteurs de la région disent avoir perdu la récolte des olives, les vergers étant "
                "devenus inaccessibles à cause des bombardements.",
                "Les diplomates français et américains multiplient les visites pour tenter d'éviter une "
                "guerre ouverte, sans résultat concret jusqu'ici.",
                "L'État libanais, en pleine crise économique, n'a pas les moyens d'aider les déplacés, et "
                "les municipalités comptent sur l'aide des organisations internationales.",
                "Les Casques bleus de la Finul ont appelé les deux parties à la retenue après que plusieurs "
                "obus sont tombés à proximité de leurs positions.",
            ),
        ),
    ),
    authors=("Camille Martin", "Youssef Benali", "Hélène Dubois"),
    bios=(
        "{name} est journaliste au service International, spécialiste du Sahel et de l'Afrique de "
        "l'Ouest.",
        "{name} couvre l'Europe de l'Est depuis 2014. Suivez {first} sur les réseaux sociaux.",
    ),
    comments=(
        "Merci pour cet article courageux, on en parle trop peu en France.",
        "Encore un article à charge, où sont les sources ?",
        "Pensées pour tous ces civils pris au piège.",
        "La communauté internationale regarde ailleurs, comme d'habitude.",
    ),
    commenters=("Jean-Marc", "lectrice_lyon", "Ahmed D.", "Pierre89"),
    ui={
        "related": "Sur le même sujet",
        "read_more": "Lire aussi :",
        "see_also": "Voir aussi :",
        "newsletter_title": "La lettre de l'International",
        "newsletter_text": "Inscrivez-vous pour recevoir chaque matin notre sélection d'articles sur "
        "l'actualité internationale.",
        "newsletter_button": "Je m'inscris",
        "cookie_text": "Nous utilisons des cookies pour améliorer votre expérience de navigation, mesurer "
        "l'audience et vous proposer des contenus personnalisés.",
        "cookie_accept": "Tout accepter",
        "share": "Partager cet article",
        "comments_title": "Réactions",
        "leave_reply": "Laisser un commentaire",
        "reply_note": "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués.",
        "most_read": "Les plus lus",
        "tags": "Mots-clés",
        "by": "Par",
        "photo": "Photo",
        "home": "Accueil",
        "world": "International",
        "live": "En direct",
        "key_events": "Les moments clés",
        "copyright": "Tous droits réservés.",
        "about": "À propos de l'auteur",
        "advert": "Publicité",
        "reply": "Répondre",
        "gallery": "En images",
    },
)

RU = Language(
    code="ru",
    direction="ltr",
    themes=(
        Theme(
            place="ЕРЕВАН",
            titles=(
                "Переговоры о перемирии в Карабахе снова зашли в тупик",
                "Посредники призвали Баку и Ереван вернуться к переговорам",
            ),
            paragraphs=(
                "Очередной раунд консультаций министров иностранных дел завершился в понедельник без "
                "подписания итогового документа, сообщили источники в обеих делегациях.",
                "Стороны так и не договорились о механизме контроля за соблюдением режима прекращения огня и "
                "о возвращении тел погибших.",
                "Жители приграничных сёл рассказывают, что по ночам всё ещё слышны выстрелы, а многие семьи "
                "отправили детей к родственникам в столицу.",
                "Представитель Международного комитета Красного Креста заявил, что организация готова "
                "выступить посредником при обмене пленными, как только будут даны гарантии безопасности.",
                "Эксперты считают, что без участия международных наблюдателей любое перемирие останется "
                "хрупким и будет нарушаться в первые же дни.",
                "Следующая встреча запланирована на конец месяца, однако место её проведения пока не "
                "согласовано.",
            ),
        ),
        Theme(
            place="БЕЛГОРОД",
            titles=(
                "В Белгородской области после обстрела объявили эвакуацию детей",
                "Приграничные районы Белгородской области остаются под обстрелами",
            ),
            paragraphs=(
                "Власти Белгородской области объявили о временном вывозе детей из нескольких приграничных "
                "населённых пунктов после обстрела, повредившего жилые дома и линию электропередачи.",
                "По данным оперативного штаба, пострадали три человека, их доставили в областную больницу.",
                "Школы в Шебекинском округе переведены на дистанционное обучение до конца недели.",
                "Волонтёры организовали пункты временного размещения в пансионатах и спортивных залах "
                "областного центра.",
                "Местные жители жалуются, что сирены звучат по нескольку раз в день, а укрытий на всех не "
                "хватает.",
                "Губернатор пообещал выплатить компенсации владельцам повреждённого жилья и ускорить "
                "строительство новых бетонных укрытий на остановках.",
            ),
        ),
        Theme(
            place="ТБИЛИСИ",
            titles=(
                "Беженцы из Карабаха пытаются начать новую жизнь",
                "Год спустя: как живут вынужденные переселенцы",
            ),
            paragraphs=(
                "Более ста тысяч человек покинули свои дома за несколько дней осенью прошлого года, и многие "
                "до сих пор живут во временном жилье.",
                "Правительство выплачивает ежемесячное пособие на аренду, но в крупных городах цены выросли "
                "почти вдвое.",
                "Бывший учитель истории Ашот открыл небольшую пекарню на окраине Абовяна и нанял четырёх "
                "соседей, которые тоже приехали из Степанакерта.",
                "Психологи говорят, что особенно тяжело приходится пожилым людям, потерявшим не только дом, "
                "но и могилы своих близких.",
                "Международные организации выделили средства на строительство жилья, однако первые дома "
                "будут готовы не раньше чем через два года.",
                "«Мы каждый день вспоминаем наш двор и наш сад», — говорит Анаит, мать троих детей.",
            ),
        ),
    ),
    authors=("Ирина Соколова", "Арсен Григорян", "Дмитрий Волков"),
    bios=(
        "{name} — специальный корреспондент отдела международной политики, автор репортажей с Южного "
        "Кавказа.",
        "{name} пишет о гуманитарных кризисах и беженцах. Подписывайтесь на канал автора.",
    ),
    comments=(
        "Спасибо за честный репортаж, таких материалов очень мало.",
        "Опять одни заявления и никаких реальных действий.",
        "Автор не знает истории региона, статья однобокая.",
        "Держитесь, люди. Мир вам.",
    ),
    commenters=("Сергей_М", "наблюдатель", "Анна К.", "vitaly1979"),
    ui={
        "related": "Читайте также",
        "read_more": "Читайте также:",
        "see_also": "По теме:",
        "newsletter_title": "Главное за день",
        "newsletter_text": "Подпишитесь на нашу рассылку, чтобы каждое утро получать главные новости на "
        "почту.",
        "newsletter_button": "Подписаться",
        "cookie_text": "Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая пользоваться "
        "сайтом, вы соглашаетесь с этим.",
        "cookie_accept": "Принять",
        "share": "Поделиться",
        "comments_title": "Комментарии",
        "leave_reply": "Оставить комментарий",
        "reply_note": "Ваш адрес электронной почты не будет опубликован.",
        "most_read": "Самое читаемое",
        "tags": "Теги",
        "by": "Автор:",
        "photo": "Фото",
        "home": "Главная",
        "world": "В мире",
        "live": "Онлайн",
        "key_events": "Главные события",
        "copyright": "Все права защищены.",
        "about": "Об авторе",
        "advert": "Реклама",
        "reply": "Ответить",
        "gallery": "Фотогалерея",
    },
)

UK = Language(
    code="uk",
    direction="ltr",
    themes=(
        Theme(
            place="ЗАПОРІЖЖЯ",
            titles=(
                "Запоріжжя після нічної атаки: пошкоджено житлові будинки",
                "У Запоріжжі ліквідовують наслідки ракетного удару",
            ),
            paragraphs=(
                "Уночі ворог атакував Запоріжжя ракетами та ударними дронами, пошкоджено кілька "
                "багатоповерхівок і приватних будинків, повідомив начальник обласної військової "
                "адміністрації.",
                "Рятувальники до ранку розбирали завали в Олександрівському районі, з-під уламків вдалося "
                "врятувати двох людей.",
                "У місті облаштували пункти незламності, де мешканці можуть зігрітися, зарядити телефони та "
                "отримати гарячий чай.",
                "Комунальні служби вже почали закривати вибиті вікна плівкою та фанерою, щоб люди могли "
                "залишитися у своїх квартирах.",
                "Міська рада оголосила про виплату матеріальної допомоги постраждалим родинам та "
                "відкрила гарячу лінію.",
                "Жителі кажуть, що звикли до сирен, але кожна нова атака нагадує, як близько проходить "
                "лінія фронту.",
            ),
        ),
        Theme(
            place="ХАРКІВ",
            titles=(
                "Школи Харкова переходять у метро",
                "Навчання під землею: у Харкові відкрили нові класи на станціях метро",
            ),
            paragraphs=(
                "У Харкові відкрили ще кілька підземних класів на станціях метрополітену, де діти можуть "
                "навчатися очно, не боячись повітряних тривог.",
                "Класи обладнали партами, дошками та системою вентиляції, а батьки самі привозять дітей на "
                "уроки за розкладом.",
                "Вчителі кажуть, що після двох років дистанційного навчання учні дуже сумували за "
                "однокласниками.",
                "Міська влада планує побудувати окрему підземну школу, розраховану на кілька змін учнів.",
                "Психологи працюють з дітьми просто на станціях, допомагаючи впоратися зі стресом та "
                "страхом.",
                "Міжнародні фонди профінансували закупівлю ноутбуків і підручників для нових класів.",
            ),
        ),
        Theme(
            place="ОДЕСА",
            titles=(
                "Зерновий коридор працює попри атаки на порти Одещини",
                "Порти Одещини: судна виходять у море навіть після обстрілів",
            ),
            paragraphs=(
                "Попри регулярні удари по портовій інфраструктурі, судна з українським зерном продовжують "
                "виходити з портів Великої Одеси.",
                "За минулий місяць через морський коридор експортовано кілька мільйонів тонн "
                "сільськогосподарської продукції, повідомили в міністерстві.",
                "Портовики відновлюють пошкоджені причали та елеватори, часто працюючи в нічну зміну.",
                "Страхові компанії поступово знижують ставки для суден, що заходять в українські порти, "
                "що робить перевезення дешевшими.",
                "Фермери з півдня кажуть, що стабільний експорт дозволяє їм планувати посівну, хоча частина "
                "полів досі замінована.",
                "Військові попереджають, що загроза мін у Чорному морі зберігатиметься ще багато років.",
            ),
        ),
    ),
    authors=("Оксана Мельник", "Андрій Коваленко", "Марія Шевчук"),
    bios=(
        "{name} — журналістка, пише про життя прифронтових міст і гуманітарну допомогу.",
        "{name} — кореспондент відділу новин, автор репортажів з Харківщини та Запоріжжя.",
    ),
    comments=(
        "Дякую за матеріал! Тримаймося.",
        "Коли вже будуть нормальні укриття в кожному районі?",
        "Героям слава! Рятувальники працюють неймовірно.",
        "Сумно читати, але треба знати правду.",
    ),
    commenters=("Олег", "kharkiv_mama", "Ірина В.", "Тарас"),
    ui={
        "related": "Читайте також",
        "read_more": "Читайте також:",
        "see_also": "Дивіться також:",
        "newsletter_title": "Розсилка редакції",
        "newsletter_text": "Підпишіться на нашу розсилку і отримуйте головні новини дня щоранку.",
        "newsletter_button": "Підписатися",
        "cookie_text": "Ми використовуємо файли cookie, щоб покращити роботу сайту. Залишаючись на сайті, "
        "ви погоджуєтеся з цим.",
        "cookie_accept": "Погоджуюсь",
        "share": "Поділитися",
        "comments_title": "Коментарі",
        "leave_reply": "Залишити коментар",
        "reply_note": "Ваша адреса електронної пошти не буде опублікована.",
        "most_read": "Найпопулярніше",
        "tags": "Теги",
        "by": "Автор:",
        "photo": "Фото",
        "home": "Головна",
        "world": "Новини",
        "live": "Наживо",
        "key_events": "Головні події",
        "copyright": "Усі права захищені.",
        "about": "Про автора",
        "advert": "Реклама",
        "reply": "Відповісти",
        "gallery": "Фоторепортаж",
    },
)

AR = Language(
    code="ar",
    direction="rtl",
    themes=(
        Theme(
            place="غزة",
            titles=(
                "قافلة مساعدات تصل إلى شمال غزة بعد أسابيع من الانتظار",
                "الأمم المتحدة: المساعدات الواصلة إلى غزة لا تكفي",
            ),
            paragraphs=(
                "وصلت قافلة تضم أربع عشرة شاحنة محملة بالطحين والأدوية إلى شمال قطاع غزة يوم الخميس، وهي "
                "الأولى منذ أكثر من ثلاثة أسابيع، بحسب مسؤولين في الأمم المتحدة.",
                "وتجمع آلاف السكان على طول الطريق الساحلي في انتظار الشاحنات، وقال عاملون في الإغاثة إن جزءا "
                "من الحمولة أُخذ قبل وصوله إلى نقطة التوزيع.",
                "وقال برنامج الأغذية العالمي إن الكمية لا تمثل سوى جزء ضئيل من الاحتياجات، داعيا إلى فتح "
                "المزيد من المعابر.",
                "وأفاد أطباء في أحد المستشفيات القليلة التي ما زالت تعمل جزئيا بأنهم يعالجون أطفالا يعانون "
                "من سوء التغذية الحاد.",
                "وتتواصل في القاهرة والدوحة المفاوضات بشأن هدنة تشمل الإفراج عن المحتجزين وزيادة كبيرة في "
                "إدخال المساعدات.",
                "وتؤكد المنظمات الإنسانية أن الإنزال الجوي لا يمكن أن يعوض عن الطرق البرية، فهي الوسيلة "
                "الأرخص والأسرع لإيصال الإمدادات.",
            ),
        ),
        Theme(
            place="الخرطوم",
            titles=(
                "موجة نزوح جديدة مع امتداد القتال في العاصمة السودانية",
                "السودان: آلاف الأسر تفر من أم درمان",
            ),
            paragraphs=(
                "امتدت الاشتباكات بين الجيش وقوات الدعم السريع هذا الأسبوع إلى أحياء جديدة في أم درمان، ما "
                "أجبر آلاف الأسر على مغادرة منازلها.",
                "ووصف السكان تبادلا للقصف المدفعي عبر النيل، وقالوا إن القناصة جعلوا الوصول إلى الأسواق "
                "والمستشفيات مستحيلا لأيام.",
                "وقالت المنظمة الدولية للهجرة إن أكثر من تسعة ملايين شخص نزحوا داخل البلاد منذ بداية الحرب.",
                "وعلى الحدود مع تشاد، أفادت منظمات الإغاثة بأن معظم الواصلين الجدد من النساء والأطفال.",
                "وتدير مجموعات تطوعية محلية تعرف بغرف الطوارئ مطابخ جماعية في كثير من الأحياء، لكنها تقول "
                "إن التمويل بدأ ينفد.",
                "وحذر مسؤولون أمميون من ظروف مجاعة في أجزاء من دارفور وكردفان، مشيرين إلى أن نداء التمويل "
                "الإنساني لم يغطَّ إلا بنسبة ضئيلة.",
            ),
        ),
        Theme(
            place="بيروت",
            titles=(
                "آلاف العائلات تنزح من قرى جنوب لبنان",
                "جنوب لبنان: القصف المتبادل يفرغ القرى الحدودية",
            ),
            paragraphs=(
                "دفع تبادل إطلاق النار على الحدود الجنوبية آلاف العائلات إلى مغادرة قراها واللجوء إلى صور "
                "وبيروت.",
                "وفي المدارس التي تحولت إلى مراكز إيواء، تصطف الفرش في الصفوف ويوزع المتطوعون الوجبات مرتين "
                "يوميا.",
                "ويقول مزارعون في المنطقة إنهم خسروا موسم الزيتون بعدما أصبحت البساتين بعيدة المنال بسبب "
                "القصف.",
                "ويكثف دبلوماسيون فرنسيون وأمريكيون زياراتهم في محاولة لتجنب حرب مفتوحة، من دون نتائج "
                "ملموسة حتى الآن.",
                "ولا تملك الدولة اللبنانية، الغارقة في أزمة اقتصادية، الإمكانات لمساعدة النازحين.",
                "ودعت قوات اليونيفيل الطرفين إلى ضبط النفس بعد سقوط قذائف قرب مواقعها.",
            ),
        ),
    ),
    authors=("ليلى حداد", "محمد السعدي", "نور الهدى قاسم"),
    bios=(
        "{name} صحفية متخصصة في الشؤون الإنسانية وتغطي أخبار النزاعات في المنطقة.",
        "{name} مراسل الشؤون الدولية، عمل سابقا في عدة قنوات إخبارية عربية.",
    ),
    comments=(
        "شكرا على هذا التقرير الصادق.",
        "إلى متى سيبقى العالم صامتا؟",
        "حسبنا الله ونعم الوكيل، الله يحمي الأطفال.",
        "التقرير ينقصه رأي الطرف الآخر.",
    ),
    commenters=("أبو أحمد", "سارة", "مراقب", "خالد م."),
    ui={
        "related": "أخبار ذات صلة",
        "read_more": "اقرأ أيضا:",
        "see_also": "شاهد أيضا:",
        "newsletter_title": "النشرة البريدية",
        "newsletter_text": "اشترك في نشرتنا البريدية لتصلك أهم الأخبار كل صباح.",
        "newsletter_button": "اشترك",
        "cookie_text": "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا. باستمرارك في التصفح فإنك "
        "توافق على ذلك.",
        "cookie_accept": "موافق",
        "share": "شارك",
        "comments_title": "التعليقات",
        "leave_reply": "اترك تعليقا",
        "reply_note": "لن يتم نشر عنوان بريدك الإلكتروني.",
        "most_read": "الأكثر قراءة",
        "tags": "الوسوم",
        "by": "بقلم",
        "photo": "صورة",
        "home": "الرئيسية",
        "world": "العالم",
        "live": "مباشر",
        "key_events": "أبرز الأحداث",
        "copyright": "جميع الحقوق محفوظة.",
        "about": "عن الكاتب",
        "advert": "إعلان",
        "reply": "رد",
        "gallery": "معرض الصور",
    },
)

ES = Language(
    code="es",
    direction="ltr",
    themes=(
        Theme(
            place="BOGOTÁ",
            titles=(
                "El Catatumbo vive una nueva ola de desplazamiento por los combates",
                "Miles de familias huyen de los enfrentamientos en el Catatumbo",
            ),
            paragraphs=(
                "Más de diez mil personas han abandonado sus veredas en la región del Catatumbo desde el "
                "inicio de los enfrentamientos entre grupos armados, según la Defensoría del Pueblo.",
                "Los desplazados llegan a Tibú y a Cúcuta en camiones y motocicletas, muchos con lo poco que "
                "alcanzaron a cargar antes de salir.",
                "El Gobierno decretó la conmoción interior y anunció el envío de más tropas a la zona, "
                "mientras suspendía los diálogos con una de las guerrillas.",
                "Las organizaciones humanitarias advierten que los albergues están saturados y que faltan "
                "alimentos, colchones y atención psicológica.",
                "Líderes sociales de la región denuncian amenazas y piden garantías para poder regresar a "
                "sus tierras.",
                "La Iglesia católica y la ONU se ofrecieron a facilitar corredores humanitarios para sacar a "
                "los civiles atrapados.",
            ),
        ),
        Theme(
            place="JERUSALÉN",
            titles=(
                "Las negociaciones para una tregua en Gaza entran en una fase decisiva",
                "Mediadores egipcios y cataríes presionan por un alto el fuego en Gaza",
            ),
            paragraphs=(
                "Los mediadores de Egipto y Catar presentaron una nueva propuesta de alto el fuego que "
                "incluye la liberación escalonada de rehenes y prisioneros.",
                "Fuentes cercanas a las conversaciones aseguran que las diferencias se centran en la "
                "duración de la tregua y en la retirada de las tropas.",
                "Mientras tanto, los bombardeos continuaron en el sur de la Franja, donde se concentran "
                "cientos de miles de desplazados.",
                "Las agencias de la ONU insisten en que la ayuda que entra es muy inferior a las "
                "necesidades de la población.",
                "Familiares de los rehenes se manifestaron de nuevo en Tel Aviv para exigir un acuerdo "
                "inmediato.",
                "Estados Unidos envió a su jefe de inteligencia a la región para intentar acercar "
                "posiciones antes del fin de semana.",
            ),
        ),
        Theme(
            place="KIEV",
            titles=(
                "Ucrania refuerza sus defensas antiaéreas ante el invierno",
                "Kiev se prepara para otro invierno de ataques contra su red eléctrica",
            ),
            paragraphs=(
                "Las autoridades ucranianas aceleran la instalación de nuevos sistemas de defensa antiaérea "
                "alrededor de las centrales eléctricas y las subestaciones.",
                "Los ataques con misiles y drones del último año destruyeron buena parte de la capacidad de "
                "generación del país.",
                "En Kiev, los vecinos compran generadores y baterías, y muchos comercios funcionan con "
                "horarios reducidos.",
                "Los socios europeos han prometido transformadores y piezas de repuesto, aunque las "
                "entregas tardan semanas.",
                "Los ingenieros trabajan para descentralizar la red con pequeñas plantas que sean más "
                "difíciles de atacar.",
                "El Gobierno pidió a la población ahorrar energía en las horas punta para evitar apagones "
                "de emergencia.",
            ),
        ),
    ),
    authors=("Lucía Fernández", "Andrés Gómez", "María José Ruiz"),
    bios=(
        "{name} es corresponsal de la sección Internacional y cubre conflictos armados en América "
        "Latina.",
        "{name} es periodista especializado en Oriente Próximo. Síguelo en redes sociales.",
    ),
    comments=(
        "Gracias por informar, en la tele no dicen nada de esto.",
        "Siempre pagan los mismos, los civiles.",
        "Artículo muy parcial, falta contexto.",
        "Ojalá llegue pronto la paz.",
    ),
    commenters=("Carlos R.", "lectora_madrid", "Pablo", "andina77"),
    ui={
        "related": "Noticias relacionadas",
        "read_more": "Lea también:",
        "see_also": "Ver también:",
        "newsletter_title": "Boletín diario",
        "newsletter_text": "Suscríbase a nuestro boletín y reciba cada mañana las noticias más importantes "
        "en su correo.",
        "newsletter_button": "Suscribirme",
        "cookie_text": "Utilizamos cookies propias y de terceros para mejorar su experiencia y analizar el "
        "tráfico. Si continúa navegando, acepta su uso.",
        "cookie_accept": "Aceptar",
        "share": "Compartir",
        "comments_title": "Comentarios",
        "leave_reply": "Deja un comentario",
        "reply_note": "Tu dirección de correo electrónico no será publicada.",
        "most_read": "Lo más leído",
        "tags": "Etiquetas",
        "by": "Por",
        "photo": "Foto",
        "home": "Portada",
        "world": "Internacional",
        "live": "En directo",
        "key_events": "Claves",
        "copyright": "Todos los derechos reservados.",
        "about": "Sobre el autor",
        "advert": "Publicidad",
        "reply": "Responder",
        "gallery": "Galería",
    },
)

LANGUAGES: tuple[Language, ...] = (EN, FR, RU, UK, AR, ES)
