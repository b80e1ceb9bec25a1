package io.scopegate.gateway.auth;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.server.WebSocketService;

/**
 * Puts {@link TrackedWebSocketService} around Spring Cloud Gateway's {@code webSocketService} bean
 * before its {@code WebsocketRoutingFilter} is given it. A decorator rather than our own routing filter:
 * Spring Cloud Gateway keeps building the WebSocket client, the upgrade strategy and the header filters
 * from its own settings, and no bean is declared twice.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketTunnelConfiguration {

    /** Static, and the registry looked up only when a handshake comes: post-processors are made early. */
    @Bean
    static BeanPostProcessor trackWebSocketTunnels(ObjectProvider<Tunnels> tunnels) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof WebSocketService service && !(bean instanceof TrackedWebSocketService)) {
                    return new TrackedWebSocketService(service, tunnels);
                }
                return bean;
            }
        };
    }
}
