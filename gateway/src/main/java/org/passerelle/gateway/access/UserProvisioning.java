package org.passerelle.gateway.access;

import org.passerelle.gateway.audit.AuditAction;
import org.passerelle.gateway.audit.AuditChannel;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Brings the embedded user store in line with {@code passerelle.access.users} at start-up: creates the users it
 * lacks and updates those that differ (a new password hash also clears failures and any lock), each change audited
 * as an administrative change by {@code configuration}. Users whose roles break the separation of duties never get
 * here: {@link AccessProperties} refuses them and the node does not start.
 */
@Component
class UserProvisioning implements InitializingBean {

    private final AccessProperties access;
    private final UserStore users;
    private final LoginAudit audit;

    UserProvisioning(AccessProperties access, UserStore users, LoginAudit audit) {
        this.access = access;
        this.users = users;
        this.audit = audit;
    }

    @Override
    public void afterPropertiesSet() {
        for (AccessProperties.User user : access.users()) {
            AuditAction change = users.provision(user);
            if (change != null) {
                audit.userChanged("configuration", null, AuditChannel.NODE, user.username(), change,
                        UserAdministration.rolesDetail(user.parsedRoles()));
            }
        }
    }
}
