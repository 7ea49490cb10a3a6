package org.passerelle.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.passerelle.gateway.console.OpsPagesTestSupport.signIn;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.context.WebApplicationContext;

/**
 * A node set to French ({@code passerelle.console.language: fr}) through the real security chain: every page a role
 * opens speaks French, says so in {@code <html lang="fr">} whatever language the browser asks for, and shows none of
 * the English bundle's words.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
class ConsoleInFrenchTest {

    @TempDir
    static java.nio.file.Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        OpsPagesTestSupport.node(r, data);
        r.add("passerelle.console.language", () -> "fr");
    }

    @Autowired
    WebApplicationContext context;
    @Autowired
    ConsoleWords words;

    MockMvc mvc;

    @BeforeEach
    void mvc() {
        mvc = OpsPagesTestSupport.mvc(context);
    }

    @Test
    void everyPageARoleOpensIsInFrenchWithNoEnglishFromTheBundle() throws Exception {
        MockHttpSession admin = signIn(mvc, "admin");
        MockHttpSession auditor = signIn(mvc, "auditor");
        MockHttpSession officer = signIn(mvc, "officer");
        Map<String, Page> pages = new java.util.LinkedHashMap<>();
        pages.put("sign-in", new Page(null, "/console/sign-in", "Se connecter à Passerelle"));
        pages.put("home", new Page(admin, "/console", "Passerelle, nœud GB"));
        pages.put("operations", new Page(admin, "/console/operations", "Acheminement par partenaire"));
        pages.put("parked", new Page(admin, "/console/operations/FR/parked", "Messages en attente d’intervention pour FR"));
        pages.put("suspend", new Page(admin, "/console/operations/FR/suspend", "Voulez-vous vraiment suspendre l’échange avec FR ?"));
        pages.put("equivalence", new Page(admin, "/console/equivalence", "Retours et admissions"));
        pages.put("records", new Page(admin, "/console/records", "Dossiers et messages"));
        pages.put("audit", new Page(auditor, "/console/audit", "Journal d’audit"));
        pages.put("audit entries", new Page(auditor, "/console/audit/entries", "Résultats de la recherche dans le journal d’audit"));
        pages.put("reports", new Page(auditor, "/console/reports", "Rapports"));
        pages.put("context", new Page(officer, "/console/records/context", "Pourquoi et pour quel dossier consultez-vous des données ?"));
        pages.put("search", new Page(officer, "/console/searches", "Soumettre une recherche biométrique"));
        pages.put("no access", new Page(officer, "/console/audit", "Vous n’avez pas accès à cette page"));
        List<String> english = englishWords();
        assertThat(english).hasSizeGreaterThan(300).contains("Skip to main content", "There is a problem",
                "Partner state searched", "Audit log search results", ">Operations<", ">Sign out<", ">Status<",
                "Closed – sending normally");

        for (Map.Entry<String, Page> page : pages.entrySet()) {
            String html = french(page.getValue());

            assertThat(html).as(page.getKey()).contains("<html lang=\"fr\"",
                    "<h1 class=\"govuk-heading-l\">" + page.getValue().heading() + "</h1>", "Aller au contenu principal");
            assertThat(english).as(page.getKey()).noneSatisfy(words -> assertThat(html).contains(words));
        }
    }

    @Test
    void theFrameAndGovukComponentsCarryFrenchText() throws Exception {
        MockHttpSession officer = signIn(mvc, "officer");

        String search = french(new Page(officer, "/console/searches", null));

        assertThat(search).contains("Connecté en tant que <strong>officer</strong>", "<span>officier de liaison</span><span>, FR</span>",
                ">Se déconnecter</button>", "aria-label=\"Informations sur le service\"",
                "hidden>Menu</button>", "Passerelle — la passerelle du dispositif de retours et d’admissions.",
                "Préparer une demande de réadmission ou y répondre", "Normale (réponse sous 24 heures)");
    }

    @Test
    void theEquivalenceStandingIsWordedInFrenchFromItsNumbers() throws Exception {
        MockHttpSession admin = signIn(mvc, "admin");

        String equivalence = french(new Page(admin, "/console/equivalence", null));

        assertThat(equivalence).contains(
                "<li>Une admission pour chaque retour : Dans les limites – 0 admissions pour 0 permises par les retours</li>",
                "<li>Retours en avance sur les admissions : Dans les limites – retours en avance de 0, 0 au plus autorisés</li>")
                .doesNotContain("earned by");
    }

    @Test
    void errorsAreInFrenchAndTheirCodesStayAsTheyAre() throws Exception {
        MockHttpSession auditor = signIn(mvc, "auditor");
        MockHttpSession admin = signIn(mvc, "admin");

        String badDates = french(new Page(auditor, "/console/audit/entries?from=demain", null));
        String badPeriod = french(new Page(auditor, "/console/reports?from=2026-03-02&to=2026-03-01", null));
        String noMessage = french(new Page(admin, "/console/operations/FR/parked/00000000-0000-0000-0000-000000000000/replay", null));

        assertThat(badDates).contains("<title>Erreur : Résultats de la recherche dans le journal d’audit – Passerelle</title>",
                "Il y a un problème", "Saisissez une date comme 2026-11-26 ou une heure comme 2026-11-26T09:30:00Z",
                "<span class=\"govuk-visually-hidden\">Erreur :</span>");
        assertThat(badPeriod).contains("<title>Erreur : Rapports", "Un rapport couvre d’un jour à un jour ultérieur");
        assertThat(noMessage).contains("Ce message n’existe pas.", "<code class=\"govuk-!-font-weight-bold\" id=\"error-code\">MESSAGE_NOT_FOUND</code>")
                .doesNotContain("There is no message");
    }

    @Test
    void timesAreWrittenWithFrenchMonthNames() throws Exception {
        MockHttpSession auditor = signIn(mvc, "auditor");

        String entries = french(new Page(auditor, "/console/audit/entries", null));

        // Each sign-in above wrote an entry today; the table shows its time in French, e.g. "5 déc. 2026 à 14:03:07 UTC".
        String today = DateTimeFormatter.ofPattern("d MMM yyyy 'à' ", Locale.FRENCH).format(LocalDate.now(ZoneOffset.UTC));
        assertThat(entries).contains(today).containsPattern("entrées? correspond");
    }

    @Test
    void theReportsWordedCellsAreInFrenchAndItsCountsAndCodesAsTheyAre() {
        LocaleContextHolder.setLocale(Locale.FRENCH);
        try {
            assertThat(words.reportCell("ours to partner")).isEqualTo("les nôtres vers le partenaire");
            assertThat(words.reportCell("whole process (arrival to transfer)"))
                    .isEqualTo("procédure entière (de l’arrivée au transfert)");
            assertThat(words.reportCell("EXCLUDED_FROM_READMISSION")).isEqualTo("EXCLUDED_FROM_READMISSION");
            assertThat(words.reportCell("12")).isEqualTo("12");
        } finally {
            LocaleContextHolder.resetLocaleContext();
        }
    }

    @Test
    void theFrProfileTheDemosFrNodesRunWithSetsFrench() {
        var fr = new org.springframework.beans.factory.config.YamlPropertiesFactoryBean();
        fr.setResources(new org.springframework.core.io.ClassPathResource("application-fr.yml"));

        assertThat(fr.getObject()).containsEntry("passerelle.console.language", "fr")
                .containsEntry("passerelle.node.party", "FR");
    }

    /** A page as the browser of someone who prefers English asks for it: the node answers in its own language. */
    private String french(Page page) throws Exception {
        var request = get(page.path()).header(HttpHeaders.ACCEPT_LANGUAGE, "en-GB,en;q=0.9");
        if (page.session() != null) {
            request.session(page.session());
        }
        MockHttpServletResponse response = mvc.perform(request).andReturn().getResponse();
        return response.getContentAsString(StandardCharsets.UTF_8);
    }

    /**
     * The English bundle's words that French says otherwise, as a page would show them (HTML-escaped): each message's
     * text between its arguments, where that text is long enough to be words rather than a shared token, and each
     * short label as the whole text of an element.
     */
    static List<String> englishWords() {
        Map<String, String> en = ConsoleMessagesTest.bundle("");
        Map<String, String> fr = ConsoleMessagesTest.bundle("_fr");
        List<String> words = new ArrayList<>();
        en.forEach((key, value) -> {
            if (value.equals(fr.get(key)) || key.startsWith("format.")) {
                return;
            }
            boolean formatted = value.contains("{");
            if (!formatted && value.strip().length() < 12) {
                if (key.startsWith("role.")) {
                    return; // "auditor" is also a user's name here; the frame test reads the role in French
                }
                words.add(">" + escaped(value.strip()) + "<"); // a short label: as the whole text of an element
                return;
            }
            for (String part : ConsoleMessagesTest.literalParts(value)) {
                String text = (formatted ? part.replace("''", "'") : part).strip();
                if (text.length() >= 12 && !fr.get(key).contains(text)) {
                    words.add(escaped(text));
                }
            }
        });
        return words;
    }

    /** As Thymeleaf escapes text: the markup characters only, every other character as it is. */
    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    record Page(MockHttpSession session, String path, String heading) {
    }
}
