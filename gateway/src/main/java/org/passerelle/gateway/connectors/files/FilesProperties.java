package org.passerelle.gateway.connectors.files;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The drop folders a node takes submissions from ({@code passerelle.connectors.files}); off unless {@code enabled}.
 *
 * @param enabled whether the node polls its drop folders at all
 * @param folders the drop folders, each a back-end system's
 */
@ConfigurationProperties("passerelle.connectors.files")
public record FilesProperties(@DefaultValue("false") boolean enabled, @DefaultValue List<Folder> folders) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,40}");

    public FilesProperties {
        for (Folder folder : folders) {
            if (folder.name() == null || !NAME.matcher(folder.name()).matches()) {
                throw new IllegalStateException("passerelle.connectors.files.folders[].name must be 1 to 40 lower-case"
                        + " letters, digits or '-', was '" + folder.name() + "'");
            }
            if (folder.uri() == null || !(folder.local() || folder.uri().startsWith("sftp://"))) {
                throw new IllegalStateException("passerelle.connectors.files.folders[" + folder.name()
                        + "].uri must start with file: or sftp://");
            }
            if (folder.actor() == null || folder.actor().isBlank()) {
                throw new IllegalStateException("passerelle.connectors.files.folders[" + folder.name()
                        + "].actor must name the back-end system the folder's submissions come from");
            }
            if (!folder.local() && folder.knownHostsFile() == null) {
                throw new IllegalStateException("passerelle.connectors.files.folders[" + folder.name()
                        + "].known-hosts-file is required over SFTP: the server's host key is always checked");
            }
        }
    }

    /**
     * One drop folder. Under its base: {@code outbox} (the back-end drops {@code *.xml} files here), {@code work/<node
     * id>} (files this node has claimed), {@code archive} (accepted), {@code error} (refused, each with a
     * {@code <name>.fault.xml}).
     *
     * @param name           names the folder's routes ({@code files-claims-<name>}, {@code files-submissions-<name>})
     * @param uri            the base, {@code file:/srv/drop/fr} or {@code sftp://host:22/drop/fr} (no query)
     * @param actor          the back-end system its submissions are attributed to in the audit log
     * @param pollInterval   how often the outbox and the work folder are listed
     * @param username       SFTP: the user
     * @param password       SFTP: the password, if not a key
     * @param privateKeyFile SFTP: the user's private key file, if not a password
     * @param knownHostsFile SFTP: the known-hosts file holding the server's host key (required: it is always checked)
     */
    public record Folder(String name, String uri, String actor, @DefaultValue("1s") Duration pollInterval,
                         String username, String password, String privateKeyFile, String knownHostsFile) {

        boolean local() {
            return uri != null && uri.startsWith("file:");
        }
    }
}
