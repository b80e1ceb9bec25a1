package io.scopegate.admin.security;

import java.util.Collection;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/** An admin user as Spring Security sees it. The password hash stays out of toString. */
record AdminPrincipal(String username, String passwordHash, AdminRole role, String accountSid) implements UserDetails {

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return List.of(new SimpleGrantedAuthority("ROLE_" + role.name()));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public String toString() {
        return "AdminPrincipal[username=" + username + ", role=" + role + ", accountSid=" + accountSid + "]";
    }
}
