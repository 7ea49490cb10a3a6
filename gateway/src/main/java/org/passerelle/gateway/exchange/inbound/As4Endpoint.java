package org.passerelle.gateway.exchange.inbound;

import com.helger.base.io.iface.IHasInputStream;
import com.helger.collection.commons.CommonsArrayList;
import com.helger.http.header.HttpHeaderMap;
import com.helger.mime.IMimeType;
import com.helger.phase4.attachment.IAS4IncomingAttachmentFactory;
import com.helger.phase4.incoming.AS4IncomingMessageMetadata;
import com.helger.phase4.incoming.AS4IncomingProfileSelectorConstant;
import com.helger.phase4.incoming.AS4IncomingReceiverConfiguration;
import com.helger.phase4.incoming.AS4RequestHandler;
import com.helger.phase4.incoming.IAS4ResponseAbstraction;
import com.helger.phase4.incoming.crypto.AS4IncomingSecurityConfiguration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Collections;
import org.passerelle.gateway.exchange.as4.As4Properties;
import org.passerelle.gateway.exchange.as4.As4Runtime;
import org.passerelle.gateway.node.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The node's AS4 endpoint: a servlet on the node's HTTP port (at {@code passerelle.as4.path}, {@code /as4} by default)
 * that hands each POST to a phase4 request handler of this node's own (its keystore, its partners' P-Modes, its
 * {@link As4Inbox}), so that two nodes in one JVM never share a handler. phase4 answers with the AS4 receipt or an
 * ebMS error. Registered only when a partner travels by AS4.
 */
@Configuration(proxyBeanMethods = false)
class As4Endpoint {

    private static final Logger log = LoggerFactory.getLogger(As4Endpoint.class);

    @Bean
    ServletRegistrationBean<HttpServlet> as4Servlet(As4Runtime runtime, As4Inbox inbox, As4Properties properties,
                                                    NodeProperties node) {
        HttpServlet servlet = new As4Servlet(runtime, inbox, node.maxBodySize().toBytes());
        ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(servlet, properties.path());
        registration.setName("as4");
        registration.setEnabled(runtime.enabled());
        return registration;
    }

    /** One POST, one phase4 request handler. */
    static final class As4Servlet extends HttpServlet {

        private final transient As4Runtime runtime;
        private final transient As4Inbox inbox;
        private final long maxBody;

        As4Servlet(As4Runtime runtime, As4Inbox inbox, long maxBody) {
            this.runtime = runtime;
            this.inbox = inbox;
            this.maxBody = maxBody;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            // The whole AS4 message (SOAP envelope, encrypted payload part) is bounded like a partner port body.
            if (request.getContentLengthLong() > maxBody + 64 * 1024) {
                response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
                return;
            }
            HttpHeaderMap headers = new HttpHeaderMap();
            for (String name : Collections.list(request.getHeaderNames())) {
                for (String value : Collections.list(request.getHeaders(name))) {
                    headers.addHeader(name, value);
                }
            }
            AS4IncomingMessageMetadata metadata = AS4IncomingMessageMetadata.createForRequest()
                    .setRemoteAddr(request.getRemoteAddr()).setRemotePort(request.getRemotePort())
                    .setHttpHeaders(headers);
            Answer answer = new Answer();
            try (AS4RequestHandler handler = new AS4RequestHandler(metadata)) {
                handler.setCryptoFactory(runtime.inboundCrypto());
                handler.setPModeResolver(runtime.pmodeResolver());
                handler.setIncomingProfileSelector(new AS4IncomingProfileSelectorConstant(As4Runtime.PROFILE, true));
                handler.setIncomingAttachmentFactory(IAS4IncomingAttachmentFactory.DEFAULT_INSTANCE);
                handler.setIncomingSecurityConfiguration(AS4IncomingSecurityConfiguration.createDefaultInstance());
                handler.setIncomingReceiverConfiguration(new AS4IncomingReceiverConfiguration());
                handler.setProcessorSupplier(() -> new CommonsArrayList<>(inbox));
                handler.setErrorConsumer((state, errors, errorMessage) -> inbox.refusedByAs4Layer(errors));
                handler.handleRequest(bounded(request.getInputStream()), headers, answer);
            } catch (Exception e) {
                log.warn("AS4 request not processed: {}", e.getClass().getSimpleName());
                response.sendError(HttpServletResponse.SC_BAD_REQUEST);
                return;
            }
            answer.writeTo(response);
        }

        private InputStream bounded(InputStream in) {
            return new java.io.FilterInputStream(in) {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    count(b < 0 ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    count(Math.max(n, 0));
                    return n;
                }

                private void count(int n) throws IOException {
                    read += n;
                    if (read > maxBody + 64 * 1024) {
                        throw new IOException("AS4 message larger than this node takes");
                    }
                }
            };
        }
    }

    /** What phase4 answers, held until it is done and then written out. */
    static final class Answer implements IAS4ResponseAbstraction {

        private int status = HttpServletResponse.SC_OK;
        private String mimeType;
        private HttpHeaderMap headers;
        private byte[] body;

        @Override
        public void setContent(byte[] bytes, Charset charset) {
            this.body = bytes;
        }

        @Override
        public void setContent(HttpHeaderMap headerMap, IHasInputStream content) {
            this.headers = headerMap;
            try (InputStream in = content.getInputStream(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
                in.transferTo(out);
                this.body = out.toByteArray();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void setMimeType(IMimeType type) {
            this.mimeType = type.getAsString();
        }

        @Override
        public void setStatus(int statusCode) {
            this.status = statusCode;
        }

        void writeTo(HttpServletResponse response) throws IOException {
            response.setStatus(status);
            if (headers != null) {
                headers.forEachSingleHeader((name, value) -> response.addHeader(name, value), true);
            }
            if (mimeType != null && (headers == null || !headers.containsHeaders("Content-Type"))) {
                response.setContentType(mimeType);
            }
            if (body != null) {
                response.setContentLength(body.length);
                response.getOutputStream().write(body);
            }
        }
    }
}
