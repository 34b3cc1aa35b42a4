"""What a browser-like client meets at the proxy, from a laptop on the VM's network.

Usage: python https_check.py ADDRESS PORT CA_FILE SECRET. Prints one JSON line: the page's status,
body and HSTS header with the class CA trusted; whether a name the certificate is not for is
refused; where plain HTTP to the TLS port is sent; the status of a missing page asked with a secret
in its query (the VM's logs are searched for it afterwards).
"""

import http.client
import json
import socket
import ssl
import sys
import urllib.error
import urllib.request


def fetch(url: str, context=None) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, context=context, timeout=10) as answer:  # noqa: S310 - the test's own URL
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, "", dict(error.headers)


def plain_http(address: str, port: int) -> tuple[int, str]:
    """What plain HTTP to the TLS port gets (not followed): the status and where it sends the browser."""
    connection = http.client.HTTPConnection(address, port, timeout=10)
    connection.request("GET", "/hello.txt")
    answer = connection.getresponse()
    return answer.status, answer.getheader("Location", "")


def name_refused(address: str, port: int, context: ssl.SSLContext) -> bool:
    try:
        with (
            socket.create_connection((address, port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname="not-this-vm.example.org"),
        ):
            return False
    except ssl.SSLCertVerificationError:
        return True


def main(address: str, port: str, ca_file: str, secret: str) -> None:
    trusting = ssl.create_default_context(cafile=ca_file)
    status, body, headers = fetch(f"https://{address}:{port}/hello.txt", trusting)
    plain_status, plain_location = plain_http(address, int(port))
    secret_status = fetch(f"https://{address}:{port}/missing?token={secret}", trusting)[0]
    print(
        json.dumps(
            {
                "status": status,
                "body": body,
                "hsts": headers.get("Strict-Transport-Security", ""),
                "other_name_refused": name_refused(address, int(port), trusting),
                "plain_http_status": plain_status,
                "plain_http_location": plain_location,
                "secret_query_status": secret_status,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
