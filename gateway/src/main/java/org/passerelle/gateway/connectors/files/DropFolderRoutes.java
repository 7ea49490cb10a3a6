package org.passerelle.gateway.connectors.files;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.FileConstants;
import org.passerelle.gateway.audit.AuditChannel;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.gateway.exchange.outbound.IntakeRoutes;
import org.passerelle.gateway.node.NodeProperties;
import org.passerelle.gateway.routes.RouteErrors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Two routes per drop folder, on the local file system or over SFTP.
 *
 * <p>{@code files-claims-<name>} lists {@code <base>/outbox} and claims each {@code *.xml} file by renaming it into
 * {@code <base>/work/<node id>} (Camel's {@code preMove}) under a name of its own, {@code <claim id>~<name>}: a rename
 * within one file system or SFTP server is atomic, so of several nodes sharing the folder exactly one moves a given
 * file, and the others find it gone and pass over it (no copy-and-delete fallback, which would not be atomic). The
 * claim id keeps a file that a back-end drops again under a name already claimed from replacing the first one before
 * it is taken (Camel deletes a rename's target first). It never reads a file. Any other name ({@code *.tmp},
 * a name starting with a dot) is left alone: a back-end writes a file under such a name and renames it to
 * {@code <name>.xml} once it is complete.
 *
 * <p>{@code files-submissions-<name>} takes the files in this node's own work folder, one at a time: reads each within
 * the body limit and the inbound memory budget, hands it to {@code direct:intake} as the folder's actor, and moves it
 * under its dropped name to {@code <base>/archive} when accepted, or to {@code <base>/error} with
 * {@code <name>.fault.xml} (the stable code and details, as the partner port's Fault XML) when refused. A failure worth another try (the database down, the
 * memory budget full) leaves the file in the work folder, to be taken again at the next poll; so does a node killed
 * while it takes a file, at its restart. Taking a file again is safe: the intake answers the same bytes with the same
 * message id.
 */
@Component
@ConditionalOnProperty(prefix = "passerelle.connectors.files", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(FilesProperties.class)
class DropFolderRoutes extends RouteBuilder {

    /** The audit channels of drop-folder submissions. */
    static final AuditChannel FILE = AuditChannel.FILE;
    static final AuditChannel SFTP = AuditChannel.SFTP;
    /** Exchange property: where a taken file goes, {@code archive} or {@code error}. */
    static final String OUTCOME = "passerelleDropOutcome";
    /** Exchange property: the name the back-end dropped a taken file under, without the claim id. */
    static final String DROPPED_AS = "passerelleDroppedAs";
    /** Between the claim id and the dropped name in a claimed file's name. */
    static final String CLAIM_SEPARATOR = "~";

    private final FilesProperties files;
    private final DropFolderFiles dropped;
    private final NodeProperties node;

    DropFolderRoutes(FilesProperties files, DropFolderFiles dropped, NodeProperties node) {
        this.files = files;
        this.dropped = dropped;
        this.node = node;
    }

    @Override
    public void configure() {
        for (int i = 0; i < files.folders().size(); i++) {
            FilesProperties.Folder folder = files.folders().get(i);
            Endpoints endpoints = new Endpoints("passerelle.connectors.files.folders[" + i + "]", folder);
            String work = "work/" + node.nodeId();

            from(endpoints.of("outbox", "noop=true", "idempotent=false", "readLock=none", "antInclude=*.xml",
                    "preMove=../" + work + "/${exchangeId}" + CLAIM_SEPARATOR + "${file:onlyname}", endpoints.polling(),
                    endpoints.renameOnly(), endpoints.download(false)))
                    .routeId("files-claims-" + folder.name())
                    .routeConfigurationId(RouteErrors.ID)
                    .log(LoggingLevel.DEBUG, "org.passerelle.gateway.connectors.files",
                            "Claimed a file of drop folder " + folder.name());

            from(endpoints.of(work, "readLock=none", "antInclude=*.xml",
                    "move=../../${exchangeProperty." + OUTCOME + "}/${exchangeProperty." + DROPPED_AS + "}",
                    endpoints.polling(), endpoints.download(true)))
                    .routeId("files-submissions-" + folder.name())
                    .routeConfigurationId(RouteErrors.ID)
                    .process(exchange -> exchange.setProperty(DROPPED_AS, droppedAs(exchange.getMessage()
                            .getHeader(FileConstants.FILE_NAME_ONLY, String.class))))
                    .setProperty(IntakeRoutes.ACTOR, constant(folder.actor()))
                    .setProperty(IntakeRoutes.CHANNEL, constant(folder.local() ? FILE : SFTP))
                    .doTry()
                        .process(dropped::read)
                        .to(IntakeRoutes.INTAKE)
                        .setProperty(OUTCOME, constant("archive"))
                        .log(LoggingLevel.INFO, "org.passerelle.gateway.connectors.files",
                                "Took message ${body} from drop folder " + folder.name())
                    .doCatch(GatewayException.class).onWhen(exchange -> DropFolderFiles.refused(caught(exchange)))
                        .process(exchange -> {
                            GatewayException refusal = (GatewayException) caught(exchange);
                            exchange.getMessage().setBody(dropped.fault(refusal));
                            exchange.getMessage().setHeader(Exchange.FILE_NAME,
                                    exchange.getProperty(DROPPED_AS) + ".fault.xml");
                        })
                        .to(endpoints.of("error", "tempPrefix=.part-"))
                        .setProperty(OUTCOME, constant("error"))
                        .log(LoggingLevel.INFO, "org.passerelle.gateway.connectors.files",
                                "Refused a file of drop folder " + folder.name() + ": ${exchangeProperty."
                                        + Exchange.EXCEPTION_CAUGHT + ".code}")
                    .doCatch(Exception.class)
                        // Not a refusal: the exchange fails, and the file stays in the work folder for the next poll.
                        .log(LoggingLevel.WARN, "org.passerelle.gateway.connectors.files",
                                "A file of drop folder " + folder.name() + " could not be taken now (${exchangeProperty."
                                        + Exchange.EXCEPTION_CAUGHT + ".class.simpleName}); it stays in " + work
                                        + " and is taken again")
                        .process(exchange -> {
                            throw exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                        })
                    .end();
        }
    }

    /** The name a claimed file was dropped under: its own name less the claim id. */
    static String droppedAs(String claimed) {
        int separator = claimed.indexOf(CLAIM_SEPARATOR);
        return separator < 0 ? claimed : claimed.substring(separator + CLAIM_SEPARATOR.length());
    }

    private static Throwable caught(Exchange exchange) {
        Throwable failure = exchange.getException();
        return failure != null ? failure : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    /**
     * The folder's endpoint URIs: the configured values enter them as Camel property placeholders of the folder's own
     * settings, never pasted in, so a password with '&' or '+' in it stays whole.
     */
    private record Endpoints(String key, FilesProperties.Folder folder) {

        String of(String subfolder, String... options) {
            List<String> all = new ArrayList<>(List.of(options));
            if (!folder.local()) {
                all.add("username={{" + key + ".username}}");
                all.add("knownHostsFile={{" + key + ".known-hosts-file}}");
                all.add("useUserKnownHostsFile=false");
                all.add("strictHostKeyChecking=yes");
                if (folder.password() != null) {
                    all.add("password=RAW({{" + key + ".password}})");
                }
                if (folder.privateKeyFile() != null) {
                    all.add("privateKeyFile={{" + key + ".private-key-file}}");
                }
            }
            all.removeIf(String::isEmpty);
            return "{{" + key + ".uri}}/" + subfolder + "?" + String.join("&", all);
        }

        String polling() {
            return "delay=" + folder.pollInterval().toMillis();
        }

        /** A local rename that fails is a file another node took: never fall back to a copy (not atomic). */
        String renameOnly() {
            return folder.local() ? "copyAndDeleteOnRenameFail=false" : "";
        }

        /** SFTP: a claim downloads nothing; a take streams the file, never holding more than the body limit. */
        String download(boolean stream) {
            if (folder.local()) {
                return "";
            }
            return stream ? "streamDownload=true" : "download=false";
        }
    }
}
