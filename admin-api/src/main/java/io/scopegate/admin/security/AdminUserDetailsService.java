package io.scopegate.admin.security;

import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Loads admin users for HTTP Basic; Spring Security checks the password off the event loop. */
@Service
class AdminUserDetailsService implements ReactiveUserDetailsService {

    private final AdminUserRepository users;

    AdminUserDetailsService(AdminUserRepository users) {
        this.users = users;
    }

    @Override
    public Mono<UserDetails> findByUsername(String username) {
        return users.find(username).cast(UserDetails.class);
    }
}
