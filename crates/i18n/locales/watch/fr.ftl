watch-empty = Aucun événement n’a encore été importé. Chargez des données sur les événements politiques avec la commande
watch-country = Pays (ISO 3166 alpha-3)
watch-dyad = Dyade (AAA-BBB)
watch-admin1 = Région (code admin1)
watch-scope-hint = Indiquez un seul lieu, ou aucun pour voir toutes les alertes.
watch-period = Période
watch-by-day = Jour
watch-by-week = Semaine
watch-by-month = Mois
watch-since = Du
watch-until = Au
watch-show = Afficher
watch-axis-events = Événements
watch-axis-deaths = Morts
watch-axis-share = Conflit matériel (%)
watch-chart-caption-events = Événements concernant { $scope } par période (barres, axe de gauche), part des événements de conflit matériel (courbe rouge, axe de droite) et déclenchements d’alertes (tirets, numérotés comme dans la liste des alertes).
watch-chart-caption-deaths = Morts concernant { $scope } par période (barres : estimation centrale ; traits fins : de l’estimation basse à l’estimation haute) et déclenchements d’alertes (tirets, numérotés comme dans la liste des alertes).
watch-bar-events = { $period } : { $events } événements, { $share } % de conflit matériel
watch-bar-deaths = { $period } : { $deaths } morts (estimation basse { $low }, haute { $high })
watch-week-of = semaine du { $date }
watch-mark-title = Alerte { $number } : { $date }, { $bits } bits
watch-no-points = Rien n’est enregistré pour { $scope } sur cette période.
watch-alerts = Alertes
watch-no-alerts = Aucune alerte pour cette sélection : les événements sont là et aucun détecteur ne s’est déclenché.
watch-number = N°
watch-onset = Déclenchement
watch-where = Pays, dyade ou région
watch-severity = Gravité
watch-detectors = Détecteurs concordants
watch-evidence = Éléments
watch-span = du { $from } au { $to }
watch-severity-bits = { $bits } bits
watch-severity-probability = probabilité de queue { $probability }
watch-severity-long = Gravité : { $bits } bits (probabilité de queue { $probability }).
watch-summary-events = { $conflict } des { $events } événements enregistrés relevaient du conflit matériel.
watch-drivers-codes = Types d’événements les plus fréquents
watch-drivers-actors = Principaux acteurs
watch-drivers-places = Lieux
watch-sources = Sources
watch-list-sep = { ", " }
watch-list-sep-strong = { " ; " }
watch-open-process = Ouvrir un dossier de diplomatie préventive
watch-case-title = Dossier de diplomatie préventive : { $place }, à compter du { $date }
watch-case-open = Voir le dossier ouvert à partir de cette alerte
watch-export = Télécharger
watch-export-series-csv = Série (CSV)
watch-export-series-json = Série (JSON)
watch-export-alerts-csv = Alertes (CSV)
watch-export-alerts-json = Alertes (JSON)
watch-forecast = Prévision
watch-forecast-caption = Morts par mois concernant { $country } : les mois jusqu’à { $cutoff } (courbe) et la prévision pour les mois suivants : médiane (trait foncé), intervalle à 50 % (bande foncée) et à 90 % (bande claire). Méthode : { $method }.
watch-forecast-month = Mois
watch-forecast-median = Médiane
watch-forecast-50 = Intervalle à 50 %
watch-forecast-90 = Intervalle à 90 %
watch-method-recency = historique récent pondéré (le modèle)
watch-method-conflict-history = historique du conflit (référence)
watch-method-last-value = dernière valeur (référence)
watch-method-zero = zéro (référence)
watch-detector-robust = Écart robuste (médiane et MAD)
watch-detector-cusum = Somme cumulée (CUSUM)
watch-detector-bocpd = Point de rupture bayésien
watch-detector-nb-tail = Queue binomiale négative
watch-detector-bocpd-counts = Point de rupture bayésien sur les effectifs
watch-evidence-share-robust = { $detector } : le { $when }, { $observed } % des événements relevaient du conflit matériel contre { $expected } % habituellement, soit { $value } écarts-types robustes au-dessus de la normale (seuil { $threshold }).
watch-evidence-share-cusum = { $detector } : la somme cumulée de l’excédent quotidien de conflit matériel a atteint { $value } le { $when } (seuil { $threshold }) ; part de { $observed } % contre { $expected } % habituellement.
watch-evidence-share-change = { $detector } : le { $when }, le modèle attribuait une probabilité de { $value } % à un nouveau niveau, plus élevé, de conflit matériel (seuil { $threshold } %) ; part de { $observed } % contre { $expected } % habituellement.
watch-evidence-deaths-tail = { $detector } : { $observed } morts en { $when } contre { $expected } attendus d’après les 12 mois précédents, soit une surprise de { $value } bits (seuil { $threshold }).
watch-evidence-deaths-change = { $detector } : { $observed } morts en { $when } contre { $expected } attendus ; probabilité de { $value } % qu’un nouveau niveau, plus élevé, ait commencé (seuil { $threshold } %).
watch-evidence-other = { $detector } : { $statistic } { $value } (seuil { $threshold }), { $when }.
watch-error-unknown-country = « { $given } » n’est pas un code de pays connu de Watch : indiquez les trois lettres de l’ISO 3166 alpha-3, par exemple GEO ou UKR.
watch-error-no-data = Aucune donnée pour { $scope } : aucun événement n’a été importé pour ce lieu, Watch ne peut donc pas dire s’il y a eu des alertes. Cela ne signifie pas « aucune alerte ».
watch-error-bad-dyad = Une dyade s’écrit avec deux codes de pays reliés par un trait d’union, par exemple GEO-RUS ; « { $given } » n’en est pas une.
watch-error-reversed-range = La période commence le { $since }, après sa fin le { $until } : inversez les deux dates.
watch-error-scope-conflict = Choisissez un pays, une dyade ou une région, un seul à la fois : plusieurs ont été indiqués.
watch-error-no-store = Aucun événement n’a encore été importé.
watch-error-no-forecast = Aucune prévision n’est enregistrée pour { $country }.
watch-error-store = Le stock d’événements n’a pas pu être lu ; les administrateurs trouveront les détails dans le journal du serveur.
watch-error-bad-date = « { $given } » n’est pas une date : écrivez-la sous la forme AAAA-MM-JJ, par exemple 2012-09-14.
watch-error-bad-period = « { $given } » n’est pas une période : choisissez day (jour), week (semaine) ou month (mois).
watch-error-no-scope = Indiquez un pays, une dyade ou une région pour voir sa série.
# Months: short names for chart ticks, a day's date, a month with its year.
watch-month-short-1 = janv.
watch-month-short-2 = févr.
watch-month-short-3 = mars
watch-month-short-4 = avr.
watch-month-short-5 = mai
watch-month-short-6 = juin
watch-month-short-7 = juil.
watch-month-short-8 = août
watch-month-short-9 = sept.
watch-month-short-10 = oct.
watch-month-short-11 = nov.
watch-month-short-12 = déc.
watch-date-1 = { $day ->
        [1] 1er
       *[other] { $day }
    } janvier { $year }
watch-date-2 = { $day ->
        [1] 1er
       *[other] { $day }
    } février { $year }
watch-date-3 = { $day ->
        [1] 1er
       *[other] { $day }
    } mars { $year }
watch-date-4 = { $day ->
        [1] 1er
       *[other] { $day }
    } avril { $year }
watch-date-5 = { $day ->
        [1] 1er
       *[other] { $day }
    } mai { $year }
watch-date-6 = { $day ->
        [1] 1er
       *[other] { $day }
    } juin { $year }
watch-date-7 = { $day ->
        [1] 1er
       *[other] { $day }
    } juillet { $year }
watch-date-8 = { $day ->
        [1] 1er
       *[other] { $day }
    } août { $year }
watch-date-9 = { $day ->
        [1] 1er
       *[other] { $day }
    } septembre { $year }
watch-date-10 = { $day ->
        [1] 1er
       *[other] { $day }
    } octobre { $year }
watch-date-11 = { $day ->
        [1] 1er
       *[other] { $day }
    } novembre { $year }
watch-date-12 = { $day ->
        [1] 1er
       *[other] { $day }
    } décembre { $year }
watch-month-year-1 = janvier { $year }
watch-month-year-2 = février { $year }
watch-month-year-3 = mars { $year }
watch-month-year-4 = avril { $year }
watch-month-year-5 = mai { $year }
watch-month-year-6 = juin { $year }
watch-month-year-7 = juillet { $year }
watch-month-year-8 = août { $year }
watch-month-year-9 = septembre { $year }
watch-month-year-10 = octobre { $year }
watch-month-year-11 = novembre { $year }
watch-month-year-12 = décembre { $year }
# CAMEO event roots (01–20), for the event types behind an alert.
watch-cameo-01 = Faire une déclaration publique
watch-cameo-02 = Lancer un appel
watch-cameo-03 = Exprimer l’intention de coopérer
watch-cameo-04 = Consulter
watch-cameo-05 = Coopérer sur le plan diplomatique
watch-cameo-06 = Coopérer sur le plan matériel
watch-cameo-07 = Fournir une aide
watch-cameo-08 = Céder
watch-cameo-09 = Enquêter
watch-cameo-10 = Exiger
watch-cameo-11 = Désapprouver
watch-cameo-12 = Rejeter
watch-cameo-13 = Menacer
watch-cameo-14 = Protester
watch-cameo-15 = Faire une démonstration de force
watch-cameo-16 = Réduire les relations
watch-cameo-17 = Contraindre
watch-cameo-18 = Agresser
watch-cameo-19 = Combattre
watch-cameo-20 = Recourir à la violence de masse non conventionnelle
