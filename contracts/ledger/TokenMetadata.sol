// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {ICarbonLedger} from "./ICarbonLedger.sol";

/**
 * @title TokenMetadata
 * @notice Renders a ledger token's ERC-1155 metadata JSON from its on-chain record, as a `data:` URI. Stateless;
 * the ledger deploys one and calls it from {CarbonLedger-uri}, which keeps the ledger under the code size limit.
 */
contract TokenMetadata {
    using Strings for uint256;

    /**
     * @notice The `data:application/json;base64,` URI of `id`'s record: name, description and the record under
     * `properties` (its JSON metadata as an escaped string, so an issuer's text can neither break nor extend it).
     * @return The data URI.
     */
    function render(uint256 id, ICarbonLedger.TokenRecord memory record) external pure returns (string memory) {
        string memory json = string.concat(
            '{"name":"',
            _typeName(record.tokenType),
            '","description":"Carbon ledger token; its id is the keccak256 of its type, scope and evidence hash.",',
            '"decimals":0,"properties":',
            _recordJson(id, record),
            "}"
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    function _recordJson(uint256 id, ICarbonLedger.TokenRecord memory record) private pure returns (string memory) {
        string memory head = string.concat(
            '{"tokenType":',
            uint256(record.tokenType).toString(),
            ',"unit":"',
            record.tokenType == ICarbonLedger.TokenType.RenewableEnergyCertificate ? "Wh" : "g CO2e",
            '","issuer":"',
            Strings.toHexString(record.issuer),
            '","issuee":"',
            Strings.toHexString(record.issuee),
            '","id":"',
            Strings.toHexString(id, 32)
        );
        return string.concat(
            head,
            '","fromDate":',
            uint256(record.fromDate).toString(),
            ',"thruDate":',
            uint256(record.thruDate).toString(),
            ',"createdAt":',
            uint256(record.createdAt).toString(),
            ',"year":',
            uint256(record.year).toString(),
            ',"metadata":',
            // Escaped into a JSON string: whatever an issuer wrote cannot break or add to the document.
            bytes(record.metadata).length == 0
                ? "null"
                : string.concat('"', Strings.escapeJSON(record.metadata), '"'),
            "}"
        );
    }

    function _typeName(ICarbonLedger.TokenType tokenType) private pure returns (string memory) {
        if (tokenType == ICarbonLedger.TokenType.RenewableEnergyCertificate) return "Renewable Energy Certificate";
        if (tokenType == ICarbonLedger.TokenType.CarbonOffset) return "Carbon Offset";
        return "Audited Emissions";
    }
}
